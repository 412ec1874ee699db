// Without SMTP_URL, messages wait in the outbox, where a director reads them; consultants cannot.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { csrfTokenOf, encodeForm, submitForm, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { StaffClient, marker, re, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { requestForm } from '../helpers/factories';
import { outboxOf } from '../helpers/mail';

/** Entities decoded, as a browser shows the text. */
const decoded = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&');

describeEachEngine('The outbox without a mail server', (ctx) => {
  let app: Express;
  let director: StaffClient;
  let consultant: StaffClient;

  before(async () => {
    ({ app } = testApp());
    director = await staffClient(app, await makeUser({ role: 'director', email: `dir.${marker()}@leep.test` }));
    consultant = await staffClient(app, await makeUser({ role: 'consultant' }));
  });

  /** A request sent through the form; its case and outbox rows. */
  async function requestThroughForm() {
    const email = `req.${marker()}@example.org`;
    const { res } = await submitForm(app, requestForm({ email, title: `Plans & "goals" <2027> ${marker()}` }));
    assert.equal(res.status, 303);
    const kase = await ctx.db.knex('cases').where({ requester_email: email }).first('id', 'reference');
    return {
      email,
      statusPath: String(res.headers.location),
      id: Number(kase.id),
      reference: String(kase.reference),
      rows: await outboxOf(ctx.db.knex, Number(kase.id)),
    };
  }

  it('POST /requests, without SMTP_URL, leaves its messages waiting in the outbox, untried', async () => {
    const kase = await requestThroughForm();
    assert.deepEqual(
      kase.rows.map((r) => [r.kind, r.to_address, r.status, r.attempts, r.last_error]),
      [
        ['request-received', kase.email, 'waiting', 0, null],
        ['request-new', director.user.email, 'waiting', 0, null],
      ],
    );
  });

  it('GET /admin/outbox, as a director, lists the waiting messages with their recipients and says no mail server is set', async () => {
    const kase = await requestThroughForm();
    const res = await director.get('/admin/outbox');
    assert.equal(res.status, 200);
    assert.match(res.text, /No mail server is set \(SMTP_URL\), so messages wait here/);
    for (const row of kase.rows) {
      const tr = res.text.split(`<a href="/admin/outbox/${row.id}">`)[1]?.split('</tr>')[0];
      assert.ok(tr, `message ${row.id} is not listed`);
      assert.match(tr, re(`<td data-label="To">${row.to_address}</td>`));
      assert.match(tr, /<td data-label="Status">waiting/);
    }
    const waiting = await director.get('/admin/outbox?status=waiting');
    assert.match(waiting.text, re(`/admin/outbox/${kase.rows[0].id}"`));
    const sent = await director.get('/admin/outbox?status=sent');
    assert.equal(sent.status, 200);
    assert.ok(!sent.text.includes(`/admin/outbox/${kase.rows[0].id}"`), 'a waiting message is listed as sent');
  });

  it("GET /admin/outbox/:id, as a director, shows the whole text body, with the requester's working status link", async () => {
    const kase = await requestThroughForm();
    const row = kase.rows.find((r) => r.kind === 'request-received');
    assert.ok(row);
    const stored = await ctx.db.knex('outbox').where({ id: row.id }).first('text_body', 'subject');
    const res = await director.get(`/admin/outbox/${row.id}`);
    assert.equal(res.status, 200);
    const pre = /<pre class="mail-text">([\s\S]*?)<\/pre>/.exec(res.text);
    assert.ok(pre, 'no text body on the page');
    assert.equal(decoded(pre[1]), stored.text_body);
    assert.ok(!pre[1].includes('<2027>'), "the requester's text is not escaped on the page");
    assert.match(stored.text_body, re(`http://leep.test${kase.statusPath}\n`));
    const status = await request(app).get(kase.statusPath);
    assert.equal(status.status, 200);
    assert.match(status.text, re(`Request ${kase.reference}`));
    assert.match(res.text, re(`<dt>To</dt><dd>${kase.email}</dd>`));
    assert.match(res.text, re(`<h1 class="margin-top-1">We received your request ${kase.reference}</h1>`));
  });

  it('GET and POST /admin/outbox, as a consultant, answer 403 and change nothing', async () => {
    const kase = await requestThroughForm();
    const [row] = kase.rows;
    assert.equal((await consultant.get('/admin/outbox')).status, 403);
    assert.equal((await consultant.get(`/admin/outbox/${row.id}`)).status, 403);
    await ctx.db.knex('outbox').where({ id: row.id }).update({ status: 'failed', next_attempt_at: 0 });
    const res = await consultant.post(`/admin/outbox/${row.id}/retry`);
    assert.equal(res.status, 403);
    const after = await ctx.db.knex('outbox').where({ id: row.id }).first('status', 'next_attempt_at');
    assert.deepEqual([after.status, Number(after.next_attempt_at)], ['failed', 0]);
  });

  it('POST /admin/outbox/:id/retry, for a sent or unknown message, answers 404 and changes nothing', async () => {
    const kase = await requestThroughForm();
    const [row] = kase.rows;
    await ctx.db.knex('outbox').where({ id: row.id }).update({ status: 'sent', sent_at: new Date().toISOString() });
    const page = await director.get('/admin/outbox');
    const token = csrfTokenOf(page.text);
    const res = await director.agent
      .post(`/admin/outbox/${row.id}/retry`)
      .type('form')
      .send(encodeForm({ _csrf: token }));
    assert.equal(res.status, 404);
    assert.equal((await ctx.db.knex('outbox').where({ id: row.id }).first('status')).status, 'sent');
    assert.equal((await director.post('/admin/outbox/99999999/retry')).status, 404);
    assert.equal((await director.get('/admin/outbox/99999999')).status, 404);
  });
});
