import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { agentFrom, attemptSignIn, auditEvents, freshAddress, makeUser } from '../helpers/auth';
import { codeFor, enrolTotp, postCode, sidSetBy, signInWithCode } from '../helpers/mfa';

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
