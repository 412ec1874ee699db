// The floor of the benchmark: a bare node:http server answering "Hello World".
import http from 'node:http';

const port = Number(process.env.PORT ?? 3100);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World');
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
