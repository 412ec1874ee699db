// Throttling of failed sign-ins for an account: the wait after five failures, how it grows, what it
// records, and that it holds the account only from the failing address (or, after twenty, from all).
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, cookiesSetBy, freshAddress, makeUser } from '../helpers/auth';
import { WRONG, accountKey, failureText, proxied } from '../helpers/auth-signin';

describeEachEngine('Staff sign-in throttling', (ctx) => {
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
});
