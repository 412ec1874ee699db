// Issue 14: the public form cannot be used to mail strangers, sent mail leaves no working status
// link in the outbox, and destructive admin actions ask first.
import assert from 'node:assert/strict';
import type { Transporter } from 'nodemailer';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';
import { startMailWorker } from '../../server/services/mail.worker';
import { findCaseByStatusToken } from '../../server/services/request.service';

const STATUS_LINK = /\/status\/([A-Za-z0-9_-]{20,100})/g;

describeEachEngine('Mail that cannot be misused', (ctx) => {
  // This app's own limit of receipts an address gets in a day.
  const { app } = testApp({ RECEIPTS_PER_DAY: '3' });
  let director: Awaited<ReturnType<typeof makeUser>>;

  before(async () => {
    director = await makeUser({ role: 'director' });
  });

  it('POST /api/v1/requests, 5 times in a day from one address, stores 5 cases and sends 3 receipts; the status page of the 4th says none was sent', async () => {
    const email = `repeat.${Date.now()}@example.org`;
    const made: { reference: string; status_url: string }[] = [];
    for (let i = 0; i < 5; i += 1) {
      // The address in another case is the same address.
      const res = await request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ email: i === 4 ? email.toUpperCase() : email, title: `Request number ${i + 1}` }));
      assert.equal(res.status, 201, res.text);
      made.push(res.body);
    }
    const cases = await ctx.db.knex('cases').whereIn(
      'reference',
      made.map((m) => m.reference),
    );
    assert.equal(cases.length, 5);
    const receipts = await ctx.db
      .knex('outbox')
      .where({ kind: 'request-received' })
      .whereIn(
        'case_id',
        cases.map((c) => c.id),
      );
    assert.equal(receipts.length, 3);
    // Staff still hear of every one.
    assert.equal(
      (
        await ctx.db
          .knex('outbox')
          .where({ kind: 'request-new' })
          .whereIn(
            'case_id',
            cases.map((c) => c.id),
          )
          .distinct('case_id')
      ).length,
      5,
    );
    const fourth = await request(app).get(new URL(made[3].status_url).pathname).expect(200);
    assert.match(fourth.text, /We did not send a confirmation e-mail for this request/);
    const first = await request(app).get(new URL(made[0].status_url).pathname).expect(200);
    assert.doesNotMatch(first.text, /We did not send a confirmation/);
    // The staff see it on the case.
    const staff = await signInAs(app, director);
    const byRef = new Map(cases.map((c) => [c.reference, Number(c.id)]));
    assert.match(
      (await staff.get(`/cases/${byRef.get(made[3].reference)}`).expect(200)).text,
      /No confirmation e-mail was sent: this address had already received the most confirmations sent in a day/,
    );
    assert.doesNotMatch((await staff.get(`/cases/${byRef.get(made[0].reference)}`).expect(200)).text, /No confirmation e-mail was sent/);
  });

  it('POST /requests, with http://phish.example in the title, name and needs, puts it in no href of any mail and in no subject', async () => {
    const { agent, token } = await (async () => {
      const a = request.agent(app);
      const page = await a.get('/requests/new').expect(200);
      return { agent: a, token: csrfTokenOf(page.text) };
    })();
    const phish = 'http://phish.example/win';
    const fields = {
      ...requestPayload({
        email: `phish.${Date.now()}@example.org`,
        title: `Claim your prize at ${phish}`,
        name: `Visit ${phish}`,
        needs: `Go to ${phish} now`,
      }),
    } as Record<string, unknown>;
    const form: Record<string, string | string[]> = { _csrf: token };
    for (const [k, v] of Object.entries(fields)) form[k] = Array.isArray(v) ? v.map(String) : String(v);
    const res = await agent.post('/requests').type('form').send(encodeForm(form));
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const kase = await ctx.db
      .knex('cases')
      .where({ title: `Claim your prize at ${phish}` })
      .first('id', 'reference');
    const mail = await ctx.db.knex('outbox').where({ case_id: kase.id });
    assert.ok(mail.length >= 2, 'a receipt and a notice to directors');
    for (const m of mail) {
      assert.ok(!/href="[^"]*phish/.test(m.html_body), `${m.kind} links to the requester's link`);
      assert.ok(!m.subject.includes('phish'), m.subject);
    }
    const receipt = mail.find((m) => m.kind === 'request-received');
    assert.ok(receipt, 'no receipt');
    assert.equal(receipt.subject, `We received your request ${kase.reference}`);
    assert.ok(!receipt.text_body.includes('phish') && !receipt.html_body.includes('phish'), "the receipt repeats the requester's text");
  });

  it('the mail worker, after sending a receipt, leaves no row of the outbox with a working status link, and the message sent had it', async () => {
    const created = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ email: `scrub.${Date.now()}@example.org` }));
    assert.equal(created.status, 201);
    const sent: { text?: string; html?: string }[] = [];
    const transport = {
      sendMail: async (m: { text?: string; html?: string }) => (sent.push(m), {}),
      close: () => undefined,
    } as unknown as Transporter;
    const worker = startMailWorker({ smtpUrl: 'smtp://127.0.0.1:9', mailFrom: 'LEEP <leep@leep.test>' }, { transport, intervalMs: 60_000 });
    try {
      while ((await worker.runOnce()) > 0);
    } finally {
      await worker.stop();
    }
    const statusPath = new URL(created.body.status_url).pathname;
    assert.ok(
      sent.some((m) => m.text?.includes(statusPath)),
      'the receipt went out without its status link',
    );
    const rows = await ctx.db.knex('outbox').select('id', 'status', 'text_body', 'html_body', 'ics');
    assert.ok(rows.length > 0 && rows.every((r) => r.status === 'sent'), 'not everything was sent');
    for (const r of rows) {
      for (const text of [r.text_body, r.html_body, r.ics ?? '']) {
        for (const m of String(text).matchAll(STATUS_LINK))
          assert.equal(await findCaseByStatusToken(m[1]), undefined, `outbox row ${r.id} keeps a working status link`);
      }
    }
    const receipt = await ctx.db.knex('outbox').where({ kind: 'request-received' }).orderBy('id', 'desc').first();
    assert.match(receipt.text_body, /\/status\/\[link removed after sending\]/);
  });

  it('POST /admin/users/:id/deactivate and /admin/tokens/:id/revoke, unconfirmed, answer a confirmation page and change nothing; confirmed, they act', async () => {
    const me = await makeUser({ role: 'director' });
    const target = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, me);
    const csrf = await agent.csrf('/admin/tokens');
    assert.equal(
      (
        await agent
          .post('/admin/tokens')
          .type('form')
          .send(encodeForm({ _csrf: csrf, name: 'Workbook' }))
      ).status,
      201,
    );
    const tokenRow = await ctx.db.knex('api_tokens').where({ name: 'Workbook' }).first();

    const askDeactivate = await agent
      .post(`/admin/users/${target.id}/deactivate`)
      .type('form')
      .send(encodeForm({ _csrf: csrf }));
    assert.equal(askDeactivate.status, 200);
    assert.match(askDeactivate.text, new RegExp(`<form[^>]*action="/admin/users/${target.id}/deactivate"`));
    assert.match(askDeactivate.text, /name="confirm" value="yes"/);
    const askRevoke = await agent
      .post(`/admin/tokens/${tokenRow.id}/revoke`)
      .type('form')
      .send(encodeForm({ _csrf: csrf }));
    assert.equal(askRevoke.status, 200);
    assert.match(askRevoke.text, /Revoke the API token &quot;Workbook&quot;\?/);
    assert.equal(Boolean(Number((await ctx.db.knex('users').where({ id: target.id }).first('active')).active)), true);
    assert.equal((await ctx.db.knex('api_tokens').where({ id: tokenRow.id }).first('revoked_at')).revoked_at, null);

    assert.equal(
      (
        await agent
          .post(`/admin/users/${target.id}/deactivate`)
          .type('form')
          .send(encodeForm({ _csrf: csrfTokenOf(askDeactivate.text), confirm: 'yes' }))
      ).status,
      303,
    );
    assert.equal(
      (
        await agent
          .post(`/admin/tokens/${tokenRow.id}/revoke`)
          .type('form')
          .send(encodeForm({ _csrf: csrfTokenOf(askRevoke.text), confirm: 'yes' }))
      ).status,
      303,
    );
    assert.equal(Boolean(Number((await ctx.db.knex('users').where({ id: target.id }).first('active')).active)), false);
    assert.notEqual((await ctx.db.knex('api_tokens').where({ id: tokenRow.id }).first('revoked_at')).revoked_at, null);
  });
});
