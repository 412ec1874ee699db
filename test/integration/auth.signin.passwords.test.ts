// Signing in with a password: who gets in and where to, how a refusal looks (the same for every
// reason) and what it records, and a stored hash brought up to the configured cost.
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, cookiesSetBy, freshAddress, makeUser } from '../helpers/auth';
import { WRONG, accountKey, failureText, proxied } from '../helpers/auth-signin';

/** A page with the parts that legitimately differ between two answers (CSRF token, the typed e-mail) blanked. */
function normalized(html: string, email: string): string {
  return html
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .split(`value="${email}"`)
    .join('value=""');
}

describeEachEngine('Staff sign-in', (ctx) => {
  it('POST /login, as a director with the right password, redirects 303 to /cases, sets a session cookie and records the sign-in', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'director' });
    const address = freshAddress();
    const before = Date.now();
    const { res, agent } = await attemptSignIn(app, user.email, user.password, { address });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/cases');
    assert.ok(cookiesSetBy(res).has('leep.sid'));
    assert.equal((await agent.get('/cases')).status, 200);

    const [event] = await auditEvents(ctx.db.knex, 'sign_in.succeeded', `user:${user.id}`);
    assert.ok(event, 'a sign_in.succeeded event');
    assert.equal(event.actor_user_id, user.id);
    assert.equal(event.ip, address);
    assert.ok(new Date(event.created_at).getTime() >= before - 1000);
    const row = await ctx.db.knex('users').where({ id: user.id }).first('last_sign_in_at');
    assert.ok(row.last_sign_in_at, 'last_sign_in_at is set');
  });

  it('POST /login, as a consultant with the right password, redirects 303 to their own work', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'consultant' });
    const { res, agent } = await attemptSignIn(app, user.email, user.password, { address: freshAddress() });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/my-work');
    assert.equal((await agent.get('/my-work')).status, 200);
  });

  it('POST /login, with the e-mail in other capitals and spaces around it, signs in', async () => {
    const app = proxied();
    const user = await makeUser();
    const { res } = await attemptSignIn(app, `  ${user.email.toUpperCase()} `, user.password, { address: freshAddress() });
    assert.equal(res.status, 303);
  });

  it('POST /login, for an unknown e-mail, a wrong password and a deactivated account, answers 401 with the same page and message', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    const gone = await makeUser({ active: false });
    const unknownEmail = `nobody.${Date.now()}@leep.test`;
    const unknown = (await attemptSignIn(app, unknownEmail, WRONG, { address })).res;
    const wrong = (await attemptSignIn(app, user.email, WRONG, { address })).res;
    const inactive = (await attemptSignIn(app, gone.email, gone.password, { address })).res;

    assert.deepEqual([unknown.status, wrong.status, inactive.status], [401, 401, 401]);
    const message = failureText(unknown.text);
    assert.equal(message, 'The e-mail address or password is not correct.');
    assert.equal(failureText(wrong.text), message);
    assert.equal(failureText(inactive.text), message);
    assert.equal(normalized(wrong.text, user.email), normalized(unknown.text, unknownEmail));
    assert.equal(normalized(inactive.text, gone.email), normalized(unknown.text, unknownEmail));
    for (const res of [unknown, wrong, inactive]) assert.ok(!cookiesSetBy(res).has('leep.sid'), 'no session cookie');
  });

  it('POST /login, with a wrong password, keeps the e-mail but never sends the password back', async () => {
    const app = proxied();
    const user = await makeUser();
    const { res } = await attemptSignIn(app, user.email, WRONG, { address: freshAddress() });
    assert.equal(res.status, 401);
    assert.match(res.text, new RegExp(`value="${user.email.replace(/[.]/g, '\\.')}"`));
    assert.ok(!res.text.includes(WRONG));
  });

  it('POST /login, refused, records sign_in.failed with the account, the actor if known, the address and the time', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    const unknownEmail = `ghost.${Date.now()}@leep.test`;
    const before = Date.now();
    await attemptSignIn(app, user.email, WRONG, { address });
    await attemptSignIn(app, unknownEmail, WRONG, { address });

    const [wrong] = await auditEvents(ctx.db.knex, 'sign_in.failed', accountKey(user.email));
    assert.equal(wrong.actor_user_id, user.id);
    assert.equal(wrong.ip, address);
    assert.deepEqual(JSON.parse(wrong.detail_json ?? '{}'), { reason: 'wrong_password' });
    assert.ok(new Date(wrong.created_at).getTime() >= before - 1000);
    const [unknown] = await auditEvents(ctx.db.knex, 'sign_in.failed', accountKey(unknownEmail));
    assert.equal(unknown.actor_user_id, null);
    assert.equal(unknown.ip, address);
    assert.deepEqual(JSON.parse(unknown.detail_json ?? '{}'), { reason: 'unknown_account' });
  });

  it('POST /login, with the e-mail or password left empty, answers 422 naming the field and counts no failure', async () => {
    const app = proxied();
    const user = await makeUser();
    const { res } = await attemptSignIn(app, user.email, '', { address: freshAddress() });
    assert.equal(res.status, 422);
    assert.match(res.text, /Enter your password/);
    const noEmail = (await attemptSignIn(app, '', 'something', { address: freshAddress() })).res;
    assert.equal(noEmail.status, 422);
    assert.match(noEmail.text, /Enter your e-mail address/);
    assert.equal(
      await ctx.db
        .knex('login_throttles')
        .where({ key: accountKey(user.email) })
        .first(),
      undefined,
    );
  });

  it('POST /login, for a hash made with a lower cost than configured, signs in and stores a new hash at the configured cost', async () => {
    const app = testApp({ TRUST_PROXY: '1', SCRYPT_LOG_N: '11' }).app;
    const user = await makeUser();
    assert.match((await ctx.db.knex('users').where({ id: user.id }).first('password_hash')).password_hash, /^scrypt\$ln=10,r=8,p=1\$/);
    const address = freshAddress();
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 303);
    const { password_hash: rehashed } = await ctx.db.knex('users').where({ id: user.id }).first('password_hash');
    assert.match(rehashed, /^scrypt\$ln=11,r=8,p=1\$/);
    assert.equal(
      (await attemptSignIn(app, user.email, user.password, { address })).res.status,
      303,
      'the new hash still takes the password',
    );
  });
});
