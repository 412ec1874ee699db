// Throttling of sign-ins by address: twenty failures for any e-mails, or thirty-one posts in a minute,
// hold the address; successes never count; and only a trusted proxy's forwarded address is believed.
import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { agentFrom, attemptSignIn, auditEvents, freshAddress, makeUser } from '../helpers/auth';
import { WRONG, accountKey, proxied } from '../helpers/auth-signin';

describeEachEngine('Staff sign-in throttling', (ctx) => {
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
