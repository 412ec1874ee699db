// A new request, driven through the app's routes, delivers the right message to the right people,
// once, through a real SMTP server, even with two workers sending at the same time.
import assert from 'node:assert/strict';
import request from 'supertest';
import { submitForm } from '../helpers/app';
import { marker, re } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { requestForm, requestPayload } from '../helpers/factories';
import { MAIL_FROM, addressesIn, deliverAll, linesFor, mailWorker, outboxOf, pathOf } from '../helpers/mail';
import { linksIn, mailDelivery } from '../helpers/mail-delivery';

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  const { env, activeDirectorEmails, caseByEmail, newFor, only } = mailDelivery(ctx);

  it('POST /requests, then the worker, sends the requester the status link and every active director a notice, once each', async () => {
    const email = `req.${marker()}@example.org`;
    const { res } = await submitForm(env.app, requestForm({ email }));
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const statusPath = String(res.headers.location);
    const kase = await caseByEmail(email);

    const mark = env.smtp.received.length;
    const directors = await activeDirectorEmails();
    assert.ok(directors.includes(env.otherDirector.email) && !directors.includes(env.inactiveDirector.email));
    assert.equal(await deliverAll(env.worker), 1 + directors.length);
    assert.equal(await env.worker.runOnce(), 0, 'a second run sent again');

    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [
        `${email} | We received your request ${kase.reference}`,
        ...directors.map((d) => `${d} | New request ${kase.reference} from Ohio`),
      ].sort(),
    );
    const all = env.smtp.received.flatMap((m) => m.rcptTo);
    assert.ok(!all.includes(env.inactiveDirector.email), 'an inactive director was written to');
    assert.ok(!all.includes(env.bystander.email), 'a consultant was written to about a new request');

    const toRequester = only(got, email);
    assert.deepEqual(toRequester.to, [email]);
    assert.deepEqual(addressesIn(toRequester.headers.from), addressesIn(MAIL_FROM));
    assert.match(toRequester.text, /^Hello,/);
    assert.deepEqual(linksIn(toRequester.text), [`http://leep.test${statusPath}`]);
    assert.match(toRequester.html, re(`<a href="http://leep.test${statusPath}">http://leep.test${statusPath}</a>`));
    const page = await request(env.app).get(pathOf(linksIn(toRequester.text)[0]));
    assert.equal(page.status, 200);
    assert.match(page.text, re(`Request ${kase.reference}`));

    const toDirector = only(got, env.otherDirector.email);
    assert.deepEqual(linksIn(toDirector.text), [`http://leep.test/cases/${kase.id}`]);
    assert.match(toDirector.text, re(`${kase.reference}: "${kase.title}"`));
    assert.ok(!toDirector.text.includes(statusPath), "the requester's private link was sent to staff");
  });

  it('two workers running at the same time, then again, deliver every message exactly once', async () => {
    const directors = await activeDirectorEmails();
    // More messages than one run sends (a batch of 20), so that the workers also meet mid-way.
    const emails = Array.from({ length: Math.floor(20 / (1 + directors.length)) + 1 }, () => `req.${marker()}@example.org`);
    for (const email of emails) assert.equal((await request(env.app).post('/api/v1/requests').send(requestPayload({ email }))).status, 201);
    const cases = await Promise.all(emails.map(caseByEmail));
    const expected = cases.length * (1 + directors.length);

    const second = mailWorker(env.smtp.url);
    try {
      const mark = env.smtp.received.length;
      const [a, b] = await Promise.all([env.worker.runOnce(), second.runOnce()]);
      const [c, d] = await Promise.all([deliverAll(env.worker), deliverAll(second)]);
      assert.equal(a + b + c + d, expected);
      assert.deepEqual(await Promise.all([env.worker.runOnce(), second.runOnce()]), [0, 0]);

      const got = env.smtp.received.slice(mark);
      const lines = got.flatMap((m) => m.rcptTo.map((to) => `${to} | ${m.subject}`));
      assert.equal(lines.length, expected);
      assert.equal(new Set(lines).size, lines.length, 'a message was received twice');
      for (const kase of cases) {
        const rows = await outboxOf(ctx.db.knex, kase.id);
        assert.equal(rows.length, 1 + directors.length);
        assert.deepEqual(
          rows.map((r) => [r.status, r.attempts]),
          rows.map(() => ['sent', 1]),
        );
        assert.equal(linesFor(got, kase.reference).length, 1 + directors.length);
      }
    } finally {
      await second.stop();
    }
  });
});
