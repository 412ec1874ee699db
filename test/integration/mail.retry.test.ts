// With the mail server down, changes still succeed, their messages wait in the outbox and go out,
// once, when it is back; after MAX_ATTEMPTS failures a message is failed until a director retries it.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import type { Config } from '../../server/config';
import { MAX_ATTEMPTS, MailWorker } from '../../server/services/mail.worker';
import { csrfTokenOf, encodeForm, submitForm, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { countFor, marker, re, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { addEngagement, engagementForm, makeCase, staffAgent } from '../helpers/engagements';
import { requestForm, requestPayload } from '../helpers/factories';
import { OutboxState, TestSmtp, closedPort, deliverAll, linesFor, mailWorker, makeDue, outboxOf, startSmtp } from '../helpers/mail';

describeEachEngine('Mail with the SMTP server down', (ctx) => {
  let app: Express;
  let config: Readonly<Config>;
  let port: number;
  const workers: MailWorker[] = [];
  const servers: TestSmtp[] = [];

  /** A worker, stopped after the test. */
  const workerAt = (url: string) => {
    const w = mailWorker(url);
    workers.push(w);
    return w;
  };
  /** An SMTP server, closed after the test. */
  const serverAt = async (p = 0) => {
    const s = await startSmtp(p);
    servers.push(s);
    return s;
  };

  beforeEach(async () => {
    // Each test has its own dead port, so that bringing the server back on it concerns that test only.
    port = await closedPort();
    ({ app, config } = testApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }));
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    for (const s of servers.splice(0)) await s.close();
  });

  /** Checks each row is waiting after one failed try, due only later, with the error kept. */
  function assertWaitingAfterOneFailure(rows: OutboxState[], before: number) {
    assert.ok(rows.length > 0, 'no message was written');
    for (const row of rows) {
      assert.equal(row.status, 'waiting');
      assert.equal(row.attempts, 1);
      assert.match(row.last_error ?? '', /ECONNREFUSED/);
      assert.ok(row.next_attempt_at > before, `next_attempt_at ${row.next_attempt_at} is not in the future`);
    }
  }

  it('POST /requests, with the mail server down, answers 303, stores the case, and its messages wait, then go out once when the server is back', async () => {
    const email = `req.${marker()}@example.org`;
    const { res } = await submitForm(app, requestForm({ email }));
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /^\/status\/[A-Za-z0-9_-]+$/);
    const kase = await ctx.db.knex('cases').where({ requester_email: email }).first('id', 'reference');
    assert.ok(kase, 'the case was not stored');
    const caseId = Number(kase.id);

    const down = workerAt(config.smtpUrl as string);
    const before = Date.now();
    assert.equal(await down.runOnce(), 0);
    const waiting = await outboxOf(ctx.db.knex, caseId);
    assertWaitingAfterOneFailure(waiting, before);
    // Not due yet: another run does not try again.
    assert.equal(await down.runOnce(), 0);
    assert.deepEqual(await outboxOf(ctx.db.knex, caseId), waiting);

    const smtp = await serverAt(port);
    assert.equal(await makeDue(ctx.db.knex, caseId), waiting.length);
    assert.equal(await deliverAll(down), waiting.length);
    assert.equal(await down.runOnce(), 0);
    const sent = await outboxOf(ctx.db.knex, caseId);
    assert.deepEqual(
      sent.map((r) => [r.status, r.attempts]),
      sent.map(() => ['sent', 2]),
    );
    const lines = linesFor(smtp.received, String(kase.reference));
    assert.deepEqual(
      lines,
      waiting
        .map(
          (r) =>
            `${r.to_address} | ${r.to_address === email ? `We received your request ${kase.reference}` : `New request ${kase.reference} from Ohio`}`,
        )
        .sort(),
    );
    assert.equal(new Set(lines).size, lines.length);
  });

  it('POST /cases/:id/messages and /engagements, with the mail server down, store the message and engagement, and a new worker delivers them once', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const down = workerAt(config.smtpUrl as string);
    // The case's own first messages fail too; they are part of what must come through once.
    const client = await staffClient(app, lead);
    const text = `The agenda is attached ${marker()}`;
    const messages = await countFor(ctx.db.knex, 'case_messages', kase.id);
    assert.equal((await client.post(`/cases/${kase.id}/messages`, { body: text })).status, 303);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), messages + 1);
    const agent = await staffAgent(app, lead);
    const engagementId = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([lead]));
    assert.ok(engagementId > 0);

    const before = Date.now();
    await down.runOnce();
    const waiting = await outboxOf(ctx.db.knex, kase.id);
    assertWaitingAfterOneFailure(waiting, before);
    assert.ok(waiting.some((r) => r.kind === 'message-to-requester') && waiting.some((r) => r.kind === 'engagement-scheduled'));

    // The server is back elsewhere: a worker pointed at it sends what is due.
    const smtp = await serverAt();
    const up = workerAt(smtp.url);
    assert.equal(await up.runOnce(), 0, 'a message was sent before it was due');
    await makeDue(ctx.db.knex, kase.id);
    assert.equal(await deliverAll(up), waiting.length);
    assert.equal(await deliverAll(down), 0);
    const lines = linesFor(smtp.received, kase.reference);
    assert.equal(lines.length, waiting.length);
    assert.equal(new Set(lines).size, lines.length, 'a message was received twice');
    const toRequester = smtp.received.find((m) => m.subject === `A message about your request ${kase.reference}`);
    assert.ok(toRequester?.text.includes(text));
    assert.ok(smtp.received.some((m) => m.subject.startsWith('Scheduled: ') && m.attachments.length === 1));
  });

  it(`the worker, after ${MAX_ATTEMPTS} failures, leaves the message failed, shown with its error on /admin/outbox, and the director's retry sends it once`, async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const email = `req.${marker()}@example.org`;
    assert.equal((await request(app).post('/api/v1/requests').send(requestPayload({ email }))).status, 201);
    const kase = await ctx.db.knex('cases').where({ requester_email: email }).first('id', 'reference');
    const caseId = Number(kase.id);
    const down = workerAt(config.smtpUrl as string);
    for (let i = 1; i <= MAX_ATTEMPTS; i += 1) {
      await down.runOnce();
      const rows = await outboxOf(ctx.db.knex, caseId);
      assert.deepEqual(
        rows.map((r) => [r.status, r.attempts]),
        rows.map(() => [i < MAX_ATTEMPTS ? 'waiting' : 'failed', i]),
        `after try ${i}`,
      );
      await makeDue(ctx.db.knex, caseId);
    }
    const failed = await outboxOf(ctx.db.knex, caseId);
    assert.ok(failed.every((r) => /ECONNREFUSED/.test(r.last_error ?? '')));
    // A failed message is not tried again by itself.
    await ctx.db.knex('outbox').where({ case_id: caseId }).update({ next_attempt_at: 0 });
    await down.runOnce();
    assert.deepEqual(
      (await outboxOf(ctx.db.knex, caseId)).map((r) => [r.status, r.attempts]),
      failed.map(() => ['failed', MAX_ATTEMPTS]),
    );

    const mine = failed.find((r) => r.to_address === email);
    assert.ok(mine);
    const list = await director.get('/admin/outbox?status=failed');
    assert.equal(list.status, 200);
    const row = list.text.split(`<a href="/admin/outbox/${mine.id}">`)[1]?.split('</tr>')[0];
    assert.ok(row, 'the failed message is not listed');
    assert.match(row, re(`We received your request ${kase.reference}`));
    assert.match(row, re(`failed<br><span class="text-secondary-dark">${MAX_ATTEMPTS} tries: ${mine.last_error}</span>`));
    assert.match(row, re(`action="/admin/outbox/${mine.id}/retry"`));
    const detail = await director.get(`/admin/outbox/${mine.id}`);
    assert.equal(detail.status, 200);
    assert.match(detail.text, re(`failed (${MAX_ATTEMPTS} tries; last error: ${mine.last_error})`));

    const token = csrfTokenOf(list.text);
    const retried = await director.agent
      .post(`/admin/outbox/${mine.id}/retry`)
      .type('form')
      .send(encodeForm({ _csrf: token }));
    assert.equal(retried.status, 303);
    assert.equal(retried.headers.location, '/admin/outbox');
    const queued = (await outboxOf(ctx.db.knex, caseId)).find((r) => r.id === mine.id);
    assert.equal(queued?.status, 'waiting');
    assert.ok((queued?.next_attempt_at ?? Infinity) <= Date.now());

    const smtp = await serverAt();
    const up = workerAt(smtp.url);
    assert.equal(await deliverAll(up), 1);
    assert.equal(await up.runOnce(), 0);
    assert.deepEqual(
      smtp.received.flatMap((m) => m.rcptTo.map((to) => `${to} | ${m.subject}`)),
      [`${email} | We received your request ${kase.reference}`],
    );
    const after = await outboxOf(ctx.db.knex, caseId);
    assert.deepEqual(
      after.map((r) => [r.id, r.status]),
      failed.map((r) => [r.id, r.id === mine.id ? 'sent' : 'failed']),
    );
  });
});
