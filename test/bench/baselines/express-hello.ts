// Express 5 answering "Hello World": what the framework costs before the app does anything.
import express from 'express';

const port = Number(process.env.PORT ?? 3101);
const app = express();
app.get('/', (_req, res) => {
  res.send('Hello World');
});
const server = app.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
