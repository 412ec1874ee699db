import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { agentFrom, attemptSignIn, auditEvents, freshAddress, makeUser } from '../helpers/auth';
import { codeFor, sidSetBy } from '../helpers/mfa';

describeEachEngine('Staff second factor: enrolment', (ctx) => {
  const { app } = testApp({ MFA_REQUIRED: 'directors', TRUST_PROXY: '1' });

  it('POST /login, as a director without a second factor under MFA_REQUIRED=directors, leads to /login/enrol and nothing else is reachable until done', async () => {
    const director = await makeUser({ role: 'director' });
    const { res, agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login/enrol');
    for (const page of ['/cases', '/dashboard', '/admin/users', '/account/security', '/login/verify']) {
      const r = await agent.get(page);
      assert.equal(r.status, 303, page);
      assert.equal(r.headers.location, '/login/enrol', page);
    }
    assert.equal((await agent.get('/api/v1/cases').set('Accept', 'application/json')).status, 401);
    const enrol = await agent.get('/login/enrol');
    assert.equal(enrol.status, 200);
    assert.equal(enrol.headers['cache-control'], 'no-store', 'the page with the key is never kept');
    assert.match(enrol.text, /<svg role="img" aria-label="QR code of the key for your authenticator app"/);
    assert.match(enrol.text, /<code class="totp-key" id="totp-key">([A-Z2-7]{4} ?)+<\/code>/);
    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.succeeded', `user:${director.id}`)).length, 0, 'not signed in yet');
  });

  it('POST /login/enrol, with a wrong code, answers 422 with the message at the code field and the same key, and sets up nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const { agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const first = (await agent.get('/login/enrol')).text;
    const key = /id="totp-key">([^<]+)</.exec(first)?.[1];
    const res = await agent
      .post('/login/enrol')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(first), code: '000000' }));
    assert.equal(res.status, 422);
    assert.match(res.text, /id="field-code-error"[^>]*>That code is not correct/);
    assert.equal(/id="totp-key">([^<]+)</.exec(res.text)?.[1], key, 'the same key is shown again');
    const row = await ctx.db.knex('user_totp').where({ user_id: director.id }).first();
    assert.equal(row.confirmed_at, null);
    assert.equal((await agent.get('/cases')).status, 303);
  });

  it('POST /login/enrol, with the code made from the shown key, signs in with a new session id and shows 10 recovery codes once, stored hashed', async () => {
    const director = await makeUser({ role: 'director' });
    const { res: pw, agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const halfSid = sidSetBy(pw);
    const page = (await agent.get('/login/enrol')).text;
    const secret = (/id="totp-key">([^<]+)</.exec(page)?.[1] ?? '').replace(/ /g, '');
    const res = await agent
      .post('/login/enrol')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page), code: codeFor(secret) }));
    assert.equal(res.status, 200);
    const codes = [...res.text.matchAll(/<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    const newSid = sidSetBy(res);
    assert.ok(newSid && halfSid && newSid !== halfSid, 'the session id rotates after the second step');
    assert.equal((await agent.get('/cases')).status, 200);

    const stored = await ctx.db.knex('recovery_codes').where({ user_id: director.id });
    assert.equal(stored.length, 10);
    for (const c of codes)
      assert.ok(!stored.some((r) => String(r.code_hash).includes(c.replace('-', ''))), 'codes are not stored in clear');
    const totp = await ctx.db.knex('user_totp').where({ user_id: director.id }).first();
    assert.ok(totp.confirmed_at);
    assert.ok(!String(totp.secret_sealed).includes(secret), 'the key is sealed');
    assert.equal((await auditEvents(ctx.db.knex, 'mfa.totp_added', `user:${director.id}`)).length, 1);
  });

  it('POST /login, as a consultant under MFA_REQUIRED=directors without a factor, signs in with the password alone', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const { res } = await attemptSignIn(app, consultant.email, consultant.password, { address: freshAddress() });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/my-work');
  });

  it('POST /login, as a consultant under MFA_REQUIRED=all without a factor, leads to /login/enrol', async () => {
    const all = testApp({ MFA_REQUIRED: 'all' }).app;
    const consultant = await makeUser({ role: 'consultant' });
    const { res } = await attemptSignIn(all, consultant.email, consultant.password);
    assert.equal(res.headers.location, '/login/enrol');
  });

  it('POST /setup, under MFA_REQUIRED=directors, creates the first director and leads to enrolment before anything else', async () => {
    await ctx.db.knex('sessions').delete();
    await ctx.db.knex('audit_events').delete();
    await ctx.db.knex('user_totp').delete();
    await ctx.db.knex('recovery_codes').delete();
    await ctx.db.knex('user_topics').delete();
    await ctx.db.knex('users').delete();
    const agent = agentFrom(app, freshAddress());
    const form = await agent.get('/setup').expect(200);
    const res = await agent
      .post('/setup')
      .type('form')
      .send(
        encodeForm({
          _csrf: csrfTokenOf(form.text),
          name: 'First Director',
          email: 'first@leep.test',
          password: 'Quartz-meadow-lantern-82',
          password_confirmation: 'Quartz-meadow-lantern-82',
        }),
      );
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login/enrol');
    assert.equal((await agent.get('/cases')).status, 303);
  });
});
