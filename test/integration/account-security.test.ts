import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, freshAddress, makeUser, signInAs } from '../helpers/auth';
import { codeFor, enrolTotp, signInWithCode } from '../helpers/mfa';

describeEachEngine('Sign-in security page: authenticator app and passkeys', (ctx) => {
  const { app, config } = testApp({ MFA_REQUIRED: 'directors', TRUST_PROXY: '1' });
  const addPasskeyRow = async (userId: number, name = 'Old key') => {
    await ctx.db.knex('passkeys').insert({
      user_id: userId,
      credential_id: Buffer.from(`cred-${userId}-${name}-${Date.now()}`).toString('base64url'),
      public_key: 'AA',
      counter: 0,
      name,
      created_at: new Date().toISOString(),
    });
    return Number((await ctx.db.knex('passkeys').where({ user_id: userId }).orderBy('id', 'desc').first('id')).id);
  };

  it('GET and POST /account/security/totp, as a consultant, set up an app with a code from the shown key; the recovery codes are shown once and the page says it is set up', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, consultant);
    const page = await agent.get('/account/security/totp');
    assert.equal(page.status, 200);
    assert.match(page.text, /action="\/account\/security\/totp"/);
    const secret = (/id="totp-key">([^<]+)</.exec(page.text)?.[1] ?? '').replace(/ /g, '');
    const res = await agent
      .post('/account/security/totp')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), code: codeFor(secret) }));
    assert.equal(res.status, 200);
    assert.equal([...res.text.matchAll(/<li><code>[0-9A-Z]{5}-[0-9A-Z]{5}<\/code><\/li>/g)].length, 10);
    const security = await agent.get('/account/security');
    assert.match(security.text, /Set up\. Sign-in asks for the 6-digit code/);
    assert.match(security.text, /10 of 10 unused/);
    assert.equal((await agent.get('/account/security/totp')).status, 409, 'a second app cannot replace the first unseen');
  });

  it('POST /account/security/totp, with a wrong code, answers 422 with the message at the code field and sets up nothing', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, consultant);
    const page = await agent.get('/account/security/totp');
    const res = await agent
      .post('/account/security/totp')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), code: '12345' }));
    assert.equal(res.status, 422);
    assert.match(res.text, /id="field-code-error"[^>]*>That code is not correct/);
    assert.equal((await ctx.db.knex('user_totp').where({ user_id: consultant.id }).first()).confirmed_at, null);
  });

  it('POST /account/security/totp/remove, as a director MFA_REQUIRED covers with no other factor, answers 409 and keeps the app', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const agent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const page = await agent.get('/account/security');
    const res = await agent
      .post('/account/security/totp/remove')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text) }));
    assert.equal(res.status, 409);
    assert.match(res.text, /needs a second factor/);
    assert.ok((await ctx.db.knex('user_totp').where({ user_id: director.id }).first()).confirmed_at);
  });

  it('POST /account/security/totp/remove, as a consultant not covered, removes the app, audited; the next sign-in needs only the password', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const { secret } = await enrolTotp(config, consultant.id);
    const agent = await signInWithCode(app, consultant, codeFor(secret), freshAddress());
    const page = await agent.get('/account/security');
    const res = await agent
      .post('/account/security/totp/remove')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text) }));
    assert.equal(res.status, 303);
    assert.equal(await ctx.db.knex('user_totp').where({ user_id: consultant.id }).first(), undefined);
    assert.equal((await auditEvents(ctx.db.knex, 'mfa.totp_removed', `user:${consultant.id}`)).length, 1);
    assert.equal(
      (await attemptSignIn(app, consultant.email, consultant.password, { address: freshAddress() })).res.headers.location,
      '/my-work',
    );
  });

  it('POST /account/security/passkeys/options, answers a challenge for this site (RP ID from PUBLIC_URL) that leaves out passkeys already held', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, consultant);
    await addPasskeyRow(consultant.id);
    const token = await agent.csrf('/account/security');
    const res = await agent
      .post('/account/security/passkeys/options')
      .set('X-CSRF-Token', token)
      .set('Accept', 'application/json')
      .send({});
    assert.equal(res.status, 200);
    assert.equal(res.body.rp.id, 'leep.test');
    assert.equal(res.body.user.name, consultant.email);
    assert.ok(typeof res.body.challenge === 'string' && res.body.challenge.length >= 16);
    assert.equal(res.body.excludeCredentials.length, 1);
  });

  it('POST /account/security/passkeys, with an answer no authenticator made, answers 400 naming the passkey and stores nothing; without a name, 400 naming the name', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, consultant);
    const token = await agent.csrf('/account/security');
    await agent.post('/account/security/passkeys/options').set('X-CSRF-Token', token).send({});
    const forged = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'e30', attestationObject: 'oA' },
      clientExtensionResults: {},
    };
    const res = await agent
      .post('/account/security/passkeys')
      .set('X-CSRF-Token', token)
      .set('Accept', 'application/json')
      .send({ name: 'Laptop', response: forged });
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.errors.map((e: { field: string }) => e.field),
      ['passkey'],
    );
    const noName = await agent
      .post('/account/security/passkeys')
      .set('X-CSRF-Token', token)
      .set('Accept', 'application/json')
      .send({ name: '  ', response: forged });
    assert.equal(noName.status, 400);
    assert.deepEqual(
      noName.body.errors.map((e: { field: string }) => e.field),
      ['name'],
    );
    assert.equal((await ctx.db.knex('passkeys').where({ user_id: consultant.id })).length, 0);
  });

  it("POST /account/security/passkeys/:id/delete, for one's own passkey, removes it (audited); for another user's, answers 404 and removes nothing", async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const agent = await signInAs(app, consultant);
    const mine = await addPasskeyRow(consultant.id, 'Phone');
    const theirs = await addPasskeyRow(other.id, 'Theirs');
    const page = await agent.get('/account/security');
    assert.match(page.text, /<th scope="row">Phone<\/th>/);
    const token = csrfTokenOf(page.text);
    assert.equal(
      (
        await agent
          .post(`/account/security/passkeys/${theirs}/delete`)
          .type('form')
          .send(encodeForm({ _csrf: token }))
      ).status,
      404,
    );
    assert.equal((await ctx.db.knex('passkeys').where({ id: theirs })).length, 1);
    assert.equal(
      (
        await agent
          .post(`/account/security/passkeys/${mine}/delete`)
          .type('form')
          .send(encodeForm({ _csrf: token }))
      ).status,
      303,
    );
    assert.equal((await ctx.db.knex('passkeys').where({ id: mine })).length, 0);
    assert.equal((await auditEvents(ctx.db.knex, 'mfa.passkey_removed', `user:${consultant.id}`)).length, 1);
  });

  it('POST /login/passkey, with an answer no authenticator made, answers 401, counts a second-step failure and does not sign in', async () => {
    const director = await makeUser({ role: 'director' });
    await addPasskeyRow(director.id, 'Key');
    const { res: pw, agent } = await attemptSignIn(app, director.email, director.password, { address: freshAddress() });
    assert.equal(pw.headers.location, '/login/verify');
    const page = await agent.get('/login/verify');
    assert.match(page.text, /data-passkey-signin/);
    const token = csrfTokenOf(page.text);
    const options = await agent.post('/login/passkey/options').set('X-CSRF-Token', token).set('Accept', 'application/json').send({});
    assert.equal(options.status, 200);
    assert.equal(options.body.allowCredentials.length, 1);
    const forged = {
      id: options.body.allowCredentials[0].id,
      rawId: options.body.allowCredentials[0].id,
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
      clientExtensionResults: {},
    };
    const res = await agent.post('/login/passkey').set('X-CSRF-Token', token).set('Accept', 'application/json').send({ response: forged });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'passkey_refused');
    assert.equal((await agent.get('/cases')).headers.location, '/login/verify');
    assert.equal(
      Number(
        (
          await ctx.db
            .knex('login_throttles')
            .where({ key: `mfa:${director.id}` })
            .first()
        ).failures,
      ),
      1,
    );
  });

  it('POST /login/passkey/options, without the password step, answers 401', async () => {
    const { agent, token } = await (async () => {
      const a = (await import('supertest')).default.agent(app);
      return { agent: a, token: csrfTokenOf((await a.get('/login')).text) };
    })();
    const res = await agent.post('/login/passkey/options').set('X-CSRF-Token', token).set('Accept', 'application/json').send({});
    assert.equal(res.status, 401);
  });
});
