import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { agentFrom, attemptSignIn, auditEvents, cookiesSetBy, freshAddress, makeUser } from '../helpers/auth';

/** The text of the error alert the sign-in page shows after a refused attempt. */
function failureText(html: string): string | undefined {
  const m =
    /<div class="usa-alert usa-alert--error[^"]*"[^>]*role="alert"[^>]*>\s*<div class="usa-alert__body">\s*<p class="usa-alert__text">([^<]*)<\/p>/.exec(
      html,
    );
  return m ? m[1].replace(/&#x27;/g, "'").replace(/&amp;/g, '&') : undefined;
}

/** A page with the parts that legitimately differ between two answers (CSRF token, the typed e-mail) blanked. */
function normalized(html: string, email: string): string {
  return html
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .split(`value="${email}"`)
    .join('value=""');
}

const WRONG = 'Not-the-right-password-99';
// Every test comes from an address of its own, so the per-address counts never add up across tests.
const proxied = () => testApp({ TRUST_PROXY: '1' }).app;

describeEachEngine('Staff sign-in', (ctx) => {
  const accountKey = (email: string) => `account:${email}`;

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

  it('POST /login, with next set to a page of this site, redirects there after signing in', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'director' });
    const { res } = await attemptSignIn(app, user.email, user.password, { address: freshAddress(), next: '/admin/users' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/admin/users');
  });

  for (const next of ['//evil.example/steal', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
    it(`POST /login, with next set to "${next}", redirects to the user's home page instead (no open redirect)`, async () => {
      const app = proxied();
      const user = await makeUser({ role: 'director' });
      const { res } = await attemptSignIn(app, user.email, user.password, { address: freshAddress(), next });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/cases');
    });
  }

  it('GET /login, when already signed in as a director, redirects 303 to /cases', async () => {
    const app = proxied();
    const user = await makeUser({ role: 'director' });
    const { agent } = await attemptSignIn(app, user.email, user.password, { address: freshAddress() });
    const res = await agent.get('/login');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/cases');
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

describeEachEngine('Staff sign-in throttling', (ctx) => {
  const accountKey = (email: string) => `account:${email}`;

  async function failTimes(app: ReturnType<typeof proxied>, email: string, times: number, address: string): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < times; i += 1) statuses.push((await attemptSignIn(app, email, `${WRONG}-${i}`, { address })).res.status);
    return statuses;
  }

  it('POST /login, after five failures for the account from one address, answers 429 with the wait even with the right password and does not sign in', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    assert.deepEqual(await failTimes(app, user.email, 5, address), [401, 401, 401, 401, 401]);

    const { res, agent } = await attemptSignIn(app, user.email, user.password, { address });
    assert.equal(res.status, 429);
    assert.match(failureText(res.text) ?? '', /Too many failed sign-ins\. Try again in (\d+ seconds?|1 minute)\./);
    assert.ok(!cookiesSetBy(res).has('leep.sid'), 'no session cookie');
    assert.equal((await agent.get('/cases')).status, 401);
    assert.equal((await ctx.db.knex('sessions').where({ user_id: user.id })).length, 0);
    const row = await ctx.db.knex('users').where({ id: user.id }).first('last_sign_in_at');
    assert.equal(row.last_sign_in_at, null);
  });

  it('POST /login, each failure after the fifth, doubles the wait (30 s, then 60 s, then 120 s) instead of locking the account', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    const key = `${accountKey(user.email)}|${address}`;
    const waits: number[] = [];
    await failTimes(app, user.email, 5, address);
    for (let i = 0; i < 3; i += 1) {
      const row = await ctx.db.knex('login_throttles').where({ key }).first('locked_until', 'window_started_at');
      waits.push(Math.round((Number(row.locked_until) - Number(row.window_started_at)) / 1000));
      // The wait is over: the next attempt is checked (and fails again).
      await ctx.db
        .knex('login_throttles')
        .where({ key })
        .update({ locked_until: Date.now() - 1 });
      assert.equal((await attemptSignIn(app, user.email, WRONG, { address })).res.status, 401);
    }
    assert.deepEqual(waits, [30, 60, 120]);
  });
  it('POST /login, when throttled, is refused before the password is checked: a sign_in.throttled event and no new sign_in.failed', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    await failTimes(app, user.email, 5, address);
    const failuresBefore = await ctx.db
      .knex('login_throttles')
      .where({ key: accountKey(user.email) })
      .first('failures');

    assert.equal((await attemptSignIn(app, user.email, WRONG, { address })).res.status, 429);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 429);

    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.failed', accountKey(user.email))).length, 5);
    const throttled = await auditEvents(ctx.db.knex, 'sign_in.throttled', accountKey(user.email));
    assert.equal(throttled.length, 2);
    assert.equal(throttled[0].ip, address);
    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.succeeded', `user:${user.id}`)).length, 0);
    const failuresAfter = await ctx.db
      .knex('login_throttles')
      .where({ key: accountKey(user.email) })
      .first('failures');
    assert.equal(Number(failuresAfter.failures), Number(failuresBefore.failures), 'throttled attempts are not counted again');
  });

  it('POST /login, after five failures for one account, still signs in another account from the same address', async () => {
    const app = proxied();
    const address = freshAddress();
    const locked = await makeUser();
    const other = await makeUser();
    await failTimes(app, locked.email, 5, address);
    assert.equal((await attemptSignIn(app, locked.email, locked.password, { address })).res.status, 429);
    assert.equal((await attemptSignIn(app, other.email, other.password, { address })).res.status, 303);
  });

  it('POST /login, after five failures for the account from one address, still signs the owner in from another address (no denial of service from afar)', async () => {
    const app = proxied();
    const user = await makeUser();
    await failTimes(app, user.email, 5, freshAddress());
    assert.equal((await attemptSignIn(app, user.email, user.password, { address: freshAddress() })).res.status, 303);
  });

  it('POST /login, after twenty failures for the account from many addresses, makes it wait from every address', async () => {
    const app = proxied();
    const user = await makeUser();
    for (let i = 0; i < 20; i += 1)
      assert.equal((await attemptSignIn(app, user.email, WRONG, { address: freshAddress() })).res.status, 401);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address: freshAddress() })).res.status, 429);
  });
  it('POST /login, after five failures for an unknown e-mail, answers 429 as for a real account', async () => {
    const app = proxied();
    const address = freshAddress();
    const email = `unknown.${Date.now()}@leep.test`;
    assert.deepEqual(await failTimes(app, email, 5, address), [401, 401, 401, 401, 401]);
    assert.equal((await attemptSignIn(app, email, WRONG, { address })).res.status, 429);
  });

  it('POST /login, once the wait has run out, signs in with the right password', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    await failTimes(app, user.email, 5, address);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 429);
    // Sixteen minutes on: the window and the lock are both over.
    const past = Date.now() - 16 * 60_000;
    await ctx.db
      .knex('login_throttles')
      .update({ locked_until: past })
      .where('key', 'like', `${accountKey(user.email)}%`);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 303);
  });

  it('POST /login, after 20 failures from one address for different e-mails, answers 429 for any account from it', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1)
      statuses.push((await attemptSignIn(app, `spray${i}.${Date.now()}@leep.test`, WRONG, { address })).res.status);
    assert.deepEqual(statuses, Array(20).fill(401));

    const { res } = await attemptSignIn(app, user.email, user.password, { address });
    assert.equal(res.status, 429);
    const [event] = await auditEvents(ctx.db.knex, 'sign_in.throttled', accountKey(user.email));
    assert.equal(event?.ip, address);
    // Refused attempts from the locked address are not held against the account...
    for (let i = 0; i < 5; i += 1) assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 429);
    // ...so the same account from another address still signs in.
    assert.equal((await attemptSignIn(app, user.email, user.password, { address: freshAddress() })).res.status, 303);
  });

  it('POST /login, after 19 failures from one address, still signs in (the address limit is 20)', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    for (let i = 0; i < 19; i += 1) await attemptSignIn(app, `near${i}.${Date.now()}@leep.test`, WRONG, { address });
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 303);
  });

  it("POST /login, after a successful sign-in, starts the account's failure count again", async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    await failTimes(app, user.email, 4, address);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 303);
    assert.equal(
      await ctx.db
        .knex('login_throttles')
        .where({ key: accountKey(user.email) })
        .first(),
      undefined,
    );
    assert.deepEqual(await failTimes(app, user.email, 4, address), [401, 401, 401, 401]);
    assert.equal((await attemptSignIn(app, user.email, user.password, { address })).res.status, 303);
  });

  it('POST /login, eight right passwords for one account at the same moment, signs all eight in (only failures count)', async () => {
    const app = proxied();
    const user = await makeUser();
    const address = freshAddress();
    const tries = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const agent = agentFrom(app, address);
        return { agent, token: csrfTokenOf((await agent.get('/login').expect(200)).text) };
      }),
    );
    const answers = await Promise.all(
      tries.map(({ agent, token }) =>
        agent
          .post('/login')
          .type('form')
          .send(encodeForm({ _csrf: token, email: user.email, password: user.password })),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(8).fill(303),
    );
    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.succeeded', `user:${user.id}`)).length, 8);
    assert.equal((await auditEvents(ctx.db.knex, 'sign_in.throttled', accountKey(user.email))).length, 0);
  });

  it('POST /login, twenty-five successful sign-ins from one address, never locks the address (only failures count)', async () => {
    const app = proxied();
    const address = freshAddress();
    const user = await makeUser();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) statuses.push((await attemptSignIn(app, user.email, user.password, { address })).res.status);
    assert.deepEqual(statuses, Array(25).fill(303));
    assert.equal((await attemptSignIn(app, `someone.${Date.now()}@leep.test`, WRONG, { address })).res.status, 401);
  });

  it('POST /login, the 31st within a minute from one address, answers 429 whatever the form holds', async () => {
    const app = proxied();
    const agent = agentFrom(app, freshAddress());
    const token = csrfTokenOf((await agent.get('/login').expect(200)).text);
    const statuses: number[] = [];
    // Empty forms are refused with 422 before any database work, so only the per-address brake counts them.
    for (let i = 0; i < 31; i += 1)
      statuses.push(
        (
          await agent
            .post('/login')
            .type('form')
            .send(encodeForm({ _csrf: token, email: '', password: '' }))
        ).status,
      );
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(422));
    assert.equal(statuses[30], 429);
  });
});

describeEachEngine('Staff sign-in without a trusted proxy', (ctx) => {
  it('POST /login, with an X-Forwarded-For header the app does not trust, counts the failure against the real address', async () => {
    const app = testApp().app;
    const user = await makeUser();
    // express-rate-limit prints a warning about the untrusted header, which is the point here.
    const warn = console.error;
    console.error = () => undefined;
    let res;
    try {
      ({ res } = await attemptSignIn(app, user.email, WRONG, { address: '203.0.113.9' }));
    } finally {
      console.error = warn;
    }
    assert.equal(res.status, 401);
    const keys = (await ctx.db.knex('login_throttles').select('key')).map((r) => r.key as string);
    assert.ok(!keys.includes('ip:203.0.113.9'), 'a spoofed address must not be believed');
    assert.ok(
      keys.some((k) => k.startsWith('ip:') && k.includes('127.0.0.1')),
      `the connection's address is counted (got ${keys})`,
    );
  });
});
