// Session ids at sign-in: a planted id is never signed in, and signing in again replaces the id.
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, cookiesSetBy, makeUser, sessionIdOf, signedSessionCookie } from '../helpers/auth';
import { MINUTE } from '../helpers/auth-sessions';

describeEachEngine('Sign-in sessions', (ctx) => {
  it('POST /login, with a session id planted before sign-in, issues a new id and the planted one never becomes signed in', async () => {
    const { app, config } = testApp();
    const user = await makeUser();
    // An anonymous session an attacker could have fixed in the victim's browser.
    const planted = `planted-${Date.now()}-abcdefghijklmnop`;
    const expires = Date.now() + 30 * MINUTE;
    await ctx.db.knex('sessions').insert({
      sid: planted,
      data: JSON.stringify({
        cookie: {
          originalMaxAge: 30 * MINUTE,
          expires: new Date(expires).toISOString(),
          httpOnly: true,
          path: '/',
          sameSite: 'lax',
          secure: false,
        },
      }),
      expires_at: expires,
      user_id: null,
    });
    const plantedCookie = `leep.sid=${signedSessionCookie(planted, config.secret)}`;

    const agent = request.agent(app);
    const form = await agent.get('/login').set('Cookie', plantedCookie).expect(200);
    const csrfCookie = cookiesSetBy(form).get('leep.csrf');
    assert.ok(csrfCookie);
    const res = await agent
      .post('/login')
      .set('Cookie', `${plantedCookie}; leep.csrf=${csrfCookie.value}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 303);
    const issued = cookiesSetBy(res).get('leep.sid');
    assert.ok(issued, 'a session cookie is set at sign-in');
    assert.notEqual(sessionIdOf(issued.value), planted);
    assert.equal(await ctx.db.knex('sessions').where({ sid: planted }).first(), undefined, 'the planted session is gone');

    const replay = await request(app).get('/cases').set('Cookie', plantedCookie);
    assert.equal(replay.status, 401);
    const fresh = await request(app).get('/cases').set('Cookie', `leep.sid=${issued.value}`);
    assert.equal(fresh.status, 200);
  });

  it('POST /login, when already signed in as someone else, replaces the session id and the old one stops working', async () => {
    const { app } = testApp();
    const first = await makeUser();
    const second = await makeUser();
    const { res: one, agent } = await attemptSignIn(app, first.email, first.password);
    const before = cookiesSetBy(one).get('leep.sid');
    assert.ok(before);
    const form = await agent.get('/cases').expect(200);
    const res = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: second.email, password: second.password }));
    assert.equal(res.status, 303);
    const after = cookiesSetBy(res).get('leep.sid');
    assert.ok(after);
    assert.notEqual(sessionIdOf(after.value), sessionIdOf(before.value));
    assert.equal((await request(app).get('/cases').set('Cookie', `leep.sid=${before.value}`)).status, 401);
  });
});
