// How a session ends besides timing out: signing out, and the user being deactivated (by a director
// or behind the app's back).
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, cookiesSetBy, makeUser, sessionIdOf, signInAs } from '../helpers/auth';
import { isSignInForm, signedInCookie } from '../helpers/auth-sessions';

describeEachEngine('Sign-in sessions', (ctx) => {
  it('POST /logout, with a valid token, ends the session: the old cookie replayed on GET /cases gets 401 and the sign-in form', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const { res: signIn, agent } = await attemptSignIn(app, user.email, user.password);
    const held = cookiesSetBy(signIn).get('leep.sid');
    assert.ok(held);
    const sid = sessionIdOf(held.value);
    assert.ok(await ctx.db.knex('sessions').where({ sid }).first(), 'the session is stored');

    const page = await agent.get('/cases').expect(200);
    const res = await agent
      .post('/logout')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text) }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login?signed_out=1');
    assert.equal(await ctx.db.knex('sessions').where({ sid }).first(), undefined);

    const replay = await request(app).get('/cases').set('Cookie', `leep.sid=${held.value}`);
    assert.equal(replay.status, 401);
    assert.ok(isSignInForm(replay.text));
    assert.equal((await agent.get('/cases')).status, 401);
  });

  it('GET /cases, for a user deactivated while their session row remains, answers 401 and ends the session', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    await ctx.db.knex('users').where({ id: user.id }).update({ active: false });
    const res = await request(app).get('/cases').set('Cookie', cookie);
    assert.equal(res.status, 401);
    assert.equal((await ctx.db.knex('sessions').where({ user_id: user.id })).length, 0);
  });

  it("POST /admin/users/:id/deactivate, by a director, deletes the user's sessions; their next request is 401 and they cannot sign in", async () => {
    const { app } = testApp();
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser();
    const consultantAgent = await signInAs(app, consultant);
    assert.equal((await consultantAgent.get('/cases')).status, 200);
    assert.equal((await ctx.db.knex('sessions').where({ user_id: consultant.id })).length, 1);

    const directorAgent = await signInAs(app, director);
    const token = await directorAgent.csrf('/admin/users');
    const res = await directorAgent
      .post(`/admin/users/${consultant.id}/deactivate`)
      .type('form')
      .send(encodeForm({ _csrf: token, confirm: 'yes' }));
    assert.equal(res.status, 303);
    assert.equal((await ctx.db.knex('sessions').where({ user_id: consultant.id })).length, 0);

    assert.equal((await consultantAgent.get('/cases')).status, 401);
    const again = await attemptSignIn(app, consultant.email, consultant.password);
    assert.equal(again.res.status, 401);
    assert.match(again.res.text, /The e-mail address or password is not correct\./);
    assert.equal((await directorAgent.get('/cases')).status, 200, 'the director is still signed in');
  });
});
