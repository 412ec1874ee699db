import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';
import { startMailWorker } from '../../server/services/mail.worker';

describeEachEngine('Mail (smoke)', (ctx) => {
  it('delivers the request-received message to the requester and directors through a real SMTP server', async () => {
    const received: { to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c) => (data += c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    const { app } = testApp();
    await makeUser({ role: 'director', email: 'dir@leep.test' });
    const res = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(res.status, 201);
    assert.equal(Number((await ctx.db.knex('outbox').count({ n: '*' }))[0].n), 2);
    const worker = startMailWorker({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'LEEP <leep@leep.test>' }, { intervalMs: 60_000 });
    assert.equal(await worker.runOnce(), 2);
    await worker.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const toRequester = received.find((m) => m.to.includes('dana.whitfield@example.org'));
    assert.ok(toRequester);
    assert.match(toRequester.data, new RegExp(res.body.status_url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').slice(0, 40)));
    assert.ok(received.find((m) => m.to.includes('dir@leep.test')));
  });
});
