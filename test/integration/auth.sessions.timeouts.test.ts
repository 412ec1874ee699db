// A session's limits: 30 idle minutes (each request moving the clock) and 12 hours from sign-in.
import assert from 'node:assert/strict';
import request from 'supertest';
import { testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { editSessionsOf, makeUser } from '../helpers/auth';
import { MINUTE, isSignInForm, signedInCookie } from '../helpers/auth-sessions';

describeEachEngine('Sign-in sessions', (ctx) => {
  it('GET /cases, after 29 minutes idle, still answers 200', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    assert.equal(await editSessionsOf(ctx.db.knex, user.id, (d) => void (d.lastSeenAt = Date.now() - 29 * MINUTE)), 1);
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
  });

  it('GET /cases, after 31 minutes idle, answers 401 with the sign-in form and deletes the session row', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    assert.equal(await editSessionsOf(ctx.db.knex, user.id, (d) => void (d.lastSeenAt = Date.now() - 31 * MINUTE)), 1);
    const res = await request(app).get('/cases').set('Cookie', cookie);
    assert.equal(res.status, 401);
    assert.ok(isSignInForm(res.text));
    assert.match(res.text, /Your session has ended/);
    assert.equal((await ctx.db.knex('sessions').where({ user_id: user.id })).length, 0);
  });

  it('GET /cases, a request within the idle limit, moves the idle clock forward', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    await editSessionsOf(ctx.db.knex, user.id, (d) => void (d.lastSeenAt = Date.now() - 20 * MINUTE));
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
    // 20 minutes later than the back-dated time would be past the limit if the clock had not moved.
    await editSessionsOf(ctx.db.knex, user.id, (d) => void (d.lastSeenAt = Number(d.lastSeenAt) - 20 * MINUTE));
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
  });

  it('GET /cases, 12 hours and a minute after sign-in, answers 401 even though the session was just used', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    assert.equal(
      await editSessionsOf(ctx.db.knex, user.id, (d) => {
        d.createdAt = Date.now() - (12 * 60 + 1) * MINUTE;
        d.lastSeenAt = Date.now() - MINUTE;
      }),
      1,
    );
    const res = await request(app).get('/cases').set('Cookie', cookie);
    assert.equal(res.status, 401);
    assert.ok(isSignInForm(res.text));
    assert.equal((await ctx.db.knex('sessions').where({ user_id: user.id })).length, 0);
  });

  it('GET /cases, 11 hours after sign-in and just used, still answers 200', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    await editSessionsOf(ctx.db.knex, user.id, (d) => void (d.createdAt = Date.now() - 11 * 60 * MINUTE));
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
  });
});
