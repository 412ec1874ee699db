import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import request from 'supertest';
import { agentFrom, attemptSignIn, auditEvents, cookiesSetBy, freshAddress, makeUser, signInAs } from '../helpers/auth';
import { codeFor, enrolTotp, postCode, sidSetBy, signInWithCode } from '../helpers/mfa';

const WRONG = 'Not-the-right-password-99';

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

describeEachEngine('Staff second factor: signing in', (ctx) => {
  const { app, config } = testApp({ MFA_REQUIRED: 'directors', TRUST_PROXY: '1' });

  it('POST /login then POST /login/verify, with a TOTP code made from the key, signs in at the page asked for, with a new session id at each step', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const agent = agentFrom(app, freshAddress());
    const { res: pw } = await attemptSignIn(app, director.email, director.password, { agent, next: '/admin/users' });
    assert.equal(pw.status, 303);
    assert.equal(pw.headers.location, '/login/verify');
    const halfSid = sidSetBy(pw);
    assert.equal((await agent.get('/admin/users')).headers.location, '/login/verify', 'half signed in reaches nothing else');
    const page = await agent.get('/login/verify');
    assert.equal(page.status, 200);
    assert.match(page.text, /autocomplete="one-time-code"/);
    const res = await agent
      .post('/login/verify')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), code: codeFor(secret) }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/admin/users');
    const sid = sidSetBy(res);
    assert.ok(sid && halfSid && sid !== halfSid);
    assert.equal((await agent.get('/admin/users')).status, 200);
    const [event] = await auditEvents(ctx.db.knex, 'sign_in.succeeded', `user:${director.id}`);
    assert.deepEqual(JSON.parse(event.detail_json ?? '{}'), { method: 'totp' });
  });

  it('POST /login/verify, with a code already used (a replay within its window), answers 401 and does not sign in', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const code = codeFor(secret);
    await signInWithCode(app, director, code, freshAddress());
    const { agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const res = await postCode(agent, code);
    assert.equal(res.status, 401);
    assert.match(res.text, /id="field-code-error"[^>]*>That code is not correct, or it has been used already/);
    assert.equal((await agent.get('/cases')).status, 303);
    // The next code (the app's next 30 seconds) still works.
    assert.equal((await postCode(agent, codeFor(secret, 30))).status, 303);
  });

  it('POST /login/verify, with a recovery code, signs in once; the same code a second time answers 401', async () => {
    const director = await makeUser({ role: 'director' });
    const { recoveryCodes } = await enrolTotp(config, director.id);
    const agent = await signInWithCode(app, director, recoveryCodes[3].toLowerCase(), freshAddress());
    assert.equal((await agent.get('/cases')).status, 200);
    const { agent: again } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    assert.equal((await postCode(again, recoveryCodes[3])).status, 401);
    assert.equal((await auditEvents(ctx.db.knex, 'mfa.recovery_code_used', `user:${director.id}`)).length, 1);
  });

  it('POST /account/security/recovery-codes, makes 10 new codes shown once; the old ones stop working and a new one works', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret, recoveryCodes: old } = await enrolTotp(config, director.id);
    const agent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const page = await agent.get('/account/security');
    assert.equal(page.status, 200);
    assert.match(page.text, /10 of 10 unused/);
    const res = await agent
      .post('/account/security/recovery-codes')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text) }));
    assert.equal(res.status, 200);
    const fresh = [...res.text.matchAll(/<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(fresh.length, 10);
    const { agent: a1 } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    assert.equal((await postCode(a1, old[0])).status, 401, 'an old code no longer works');
    assert.equal((await postCode(a1, fresh[0])).status, 303, 'a new code works');
    assert.equal((await auditEvents(ctx.db.knex, 'mfa.recovery_codes_regenerated', `user:${director.id}`)).length, 1);
  });

  it('POST /login/verify, after five wrong codes, answers 429 even with the right code, and the wait grows', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const { agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await postCode(agent, String(100000 + i))).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    const res = await postCode(agent, codeFor(secret));
    assert.equal(res.status, 429);
    assert.match(res.text, /Too many wrong codes\. Try again in \d+ seconds?\./);
    assert.equal((await agent.get('/cases')).status, 303);
    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.second_step_failed', `user:${director.id}`)).length, 5);
    const row = await ctx.db
      .knex('login_throttles')
      .where({ key: `mfa:${director.id}` })
      .first();
    assert.equal(Number(row.failures), 5);
  });

  it('POST /login/verify, with no code, answers 422 with the message at the code field', async () => {
    const director = await makeUser({ role: 'director' });
    await enrolTotp(config, director.id);
    const { agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const res = await postCode(agent, '');
    assert.equal(res.status, 422);
    assert.match(res.text, /id="field-code-error"[^>]*>Enter the code/);
  });

  it('GET /login/verify, without a password step, redirects to /login; after ten minutes the half sign-in is over', async () => {
    assert.equal((await agentFrom(app).get('/login/verify')).headers.location, '/login');
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const { agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    const rows = await ctx.db.knex('sessions').where({ user_id: director.id });
    for (const r of rows) {
      const data = JSON.parse(r.data);
      data.mfa.startedAt -= 11 * 60_000;
      await ctx.db
        .knex('sessions')
        .where({ sid: r.sid })
        .update({ data: JSON.stringify(data) });
    }
    const page = await agent.get('/login/verify');
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/login');
    assert.ok(secret);
  });

  it('POST /login, for a consultant who set up a factor although not required, asks for the second step too', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const { secret } = await enrolTotp(config, consultant.id);
    const { res, agent } = await attemptSignIn(app, consultant.email, consultant.password, { address: freshAddress() });
    assert.equal(res.headers.location, '/login/verify');
    const done = await postCode(agent, codeFor(secret));
    assert.equal(done.headers.location, '/my-work');
  });
});

describeEachEngine('Staff second factor: what directors can do', (ctx) => {
  const { app, config } = testApp({ MFA_REQUIRED: 'directors', TRUST_PROXY: '1' });

  it("POST /admin/users/:id/mfa-reset, as a director, removes the user's factors and codes, ends their sessions, and is audited", async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const dAgent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const consultant = await makeUser({ role: 'consultant' });
    const { secret: cSecret } = await enrolTotp(config, consultant.id);
    const cAgent = await signInWithCode(app, consultant, codeFor(cSecret), freshAddress());
    assert.equal((await cAgent.get('/my-work')).status, 200);

    const edit = await dAgent.get(`/admin/users/${consultant.id}/edit`);
    assert.match(edit.text, /Second factors: authenticator app\./);
    const res = await dAgent
      .post(`/admin/users/${consultant.id}/mfa-reset`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(edit.text) }));
    assert.equal(res.status, 303);
    assert.equal((await cAgent.get('/my-work')).status, 401, 'their session has ended');
    assert.equal(await ctx.db.knex('user_totp').where({ user_id: consultant.id }).first(), undefined);
    assert.equal((await ctx.db.knex('recovery_codes').where({ user_id: consultant.id })).length, 0);
    const [event] = await auditEvents(ctx.db.knex, 'mfa.reset', `user:${consultant.id}`);
    assert.equal(event.actor_user_id, director.id);
    // Not covered by MFA_REQUIRED=directors and without a factor now: the password alone signs in.
    assert.equal(
      (await attemptSignIn(app, consultant.email, consultant.password, { address: freshAddress() })).res.headers.location,
      '/my-work',
    );
  });

  it('POST /admin/users/:id/mfa-reset, as a consultant, answers 403 and removes nothing', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    await enrolTotp(config, other.id);
    const agent = await signInAs(app, consultant);
    const token = await agent.csrf('/my-work');
    const res = await agent
      .post(`/admin/users/${other.id}/mfa-reset`)
      .type('form')
      .send(encodeForm({ _csrf: token }));
    assert.equal(res.status, 403);
    assert.ok(await ctx.db.knex('user_totp').where({ user_id: other.id }).first());
  });

  it('POST /admin/users/:id/sign-in-wait/clear, as a director, lets a user who failed five times sign in again at once, audited', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const dAgent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const consultant = await makeUser({ role: 'consultant' });
    const address = freshAddress();
    for (let i = 0; i < 5; i += 1) await attemptSignIn(app, consultant.email, `${WRONG}${i}`, { address });
    assert.equal((await attemptSignIn(app, consultant.email, consultant.password, { address })).res.status, 429);
    const edit = await dAgent.get(`/admin/users/${consultant.id}/edit`);
    assert.match(edit.text, /must wait until/);
    const res = await dAgent
      .post(`/admin/users/${consultant.id}/sign-in-wait/clear`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(edit.text) }));
    assert.equal(res.status, 303);
    assert.equal((await attemptSignIn(app, consultant.email, consultant.password, { address })).res.status, 303);
    const [event] = await auditEvents(ctx.db.knex, 'sign_in.wait_cleared', `user:${consultant.id}`);
    assert.equal(event.actor_user_id, director.id);
  });
});

describeEachEngine('Sign-in over plain http with an https PUBLIC_URL', () => {
  it('POST /login, over plain http while PUBLIC_URL is https, answers 400 naming TRUST_PROXY and X-Forwarded-Proto and checks no password', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.test' });
    const user = await makeUser();
    const agent = agentFrom(app);
    const form = await agent.get('/login').set('Host', 'leep.test');
    const res = await agent
      .post('/login')
      .set('Host', 'leep.test')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 400);
    assert.match(res.text, /TRUST_PROXY/);
    assert.match(res.text, /X-Forwarded-Proto/);
    assert.ok(!String(res.headers['set-cookie'] ?? '').includes('leep.sid'), 'no session cookie');
  });

  it('POST /login, through a trusted proxy that says X-Forwarded-Proto: https, signs in', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.test', TRUST_PROXY: '1' });
    const user = await makeUser();
    // The agent would not send Secure cookies over plain http, so the cookie is carried by hand.
    const form = await request(app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrf = cookiesSetBy(form).get('__Host-leep.csrf');
    const res = await request(app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-leep.csrf=${csrf?.value}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 303);
    assert.ok(cookiesSetBy(res).get('__Host-leep.sid'));
  });
});
