import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, cookiesSetBy, editSessionsOf, makeUser, sessionIdOf, signInAs, signedSessionCookie } from '../helpers/auth';

const MINUTE = 60_000;

/** Signs in with a plain (cookie-less) flow and returns the session cookie as a Cookie header. */
async function signedInCookie(app: ReturnType<typeof testApp>['app'], user: { email: string; password: string }): Promise<string> {
  const { res } = await attemptSignIn(app, user.email, user.password);
  assert.equal(res.status, 303);
  const cookie = cookiesSetBy(res).get('leep.sid');
  assert.ok(cookie, 'a session cookie at sign-in');
  return `leep.sid=${cookie.value}`;
}

/** True when the page is the sign-in form. */
const isSignInForm = (html: string) => /<form class="usa-form" method="post" action="\/login"/.test(html);

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

  it('GET /cases, read again within the minute, leaves the stored session as it was (no write per page)', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
    const before = await ctx.db.knex('sessions').where({ user_id: user.id }).first('data', 'expires_at');
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200);
    assert.equal((await request(app).get('/my-work').set('Cookie', cookie)).status, 200);
    const after = await ctx.db.knex('sessions').where({ user_id: user.id }).first('data', 'expires_at');
    assert.deepEqual(after, before);
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

  it('GET /cases, on a second app instance over the same database (a restart), answers 200 with the same cookie', async () => {
    const first = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(first.app, user);
    const second = testApp();
    assert.notEqual(second.app, first.app);
    const res = await request(second.app).get('/cases').set('Cookie', cookie);
    assert.equal(res.status, 200);
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

describeEachEngine('Session cookie flags', (ctx) => {
  it('POST /login, over http, sets leep.sid HttpOnly, SameSite=Lax, Path=/, without Secure or Domain, for the 12-hour limit, the store ending it after 30 idle minutes', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const { res } = await attemptSignIn(app, user.email, user.password);
    const cookie = cookiesSetBy(res).get('leep.sid');
    assert.ok(cookie, 'leep.sid is set');
    assert.equal(cookie.attributes.httponly, true);
    assert.equal(String(cookie.attributes.samesite).toLowerCase(), 'lax');
    assert.equal(cookie.attributes.path, '/');
    assert.equal(cookie.attributes.secure, undefined);
    assert.equal(cookie.attributes.domain, undefined);
    const lifetime = new Date(String(cookie.attributes.expires)).getTime() - Date.now();
    assert.ok(lifetime > 719 * MINUTE && lifetime <= 720 * MINUTE + 5000, `expires in about 12 hours (got ${lifetime} ms)`);
    const [row] = await ctx.db.knex('sessions').where({ user_id: user.id }).select('expires_at');
    const idle = Number(row.expires_at) - Date.now();
    assert.ok(idle > 29 * MINUTE && idle <= 30 * MINUTE + 5000, `the stored session ends after about 30 idle minutes (got ${idle} ms)`);
  });

  it('POST /login, behind an HTTPS proxy, sets __Host-leep.sid with Secure, HttpOnly, SameSite=Lax and Path=/', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.example', TRUST_PROXY: '1' });
    const user = await makeUser();
    // The agent would not send Secure cookies over plain http, so the cookies are carried by hand.
    const form = await request(app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrf = cookiesSetBy(form).get('__Host-leep.csrf');
    assert.ok(csrf, 'the CSRF cookie has the __Host- name too');
    const res = await request(app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-leep.csrf=${csrf.value}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 303);
    const set = cookiesSetBy(res);
    assert.equal(set.has('leep.sid'), false);
    const cookie = set.get('__Host-leep.sid');
    assert.ok(cookie, '__Host-leep.sid is set');
    assert.equal(cookie.attributes.secure, true);
    assert.equal(cookie.attributes.httponly, true);
    assert.equal(String(cookie.attributes.samesite).toLowerCase(), 'lax');
    assert.equal(cookie.attributes.path, '/');
    assert.equal(cookie.attributes.domain, undefined, 'a __Host- cookie has no Domain');

    const cases = await request(app).get('/cases').set('X-Forwarded-Proto', 'https').set('Cookie', `__Host-leep.sid=${cookie.value}`);
    assert.equal(cases.status, 200);
  });

  it('POST /logout, behind an HTTPS proxy, clears __Host-leep.sid with a Secure cookie a browser accepts', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.example', TRUST_PROXY: '1' });
    const user = await makeUser();
    const form = await request(app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrf = cookiesSetBy(form).get('__Host-leep.csrf');
    assert.ok(csrf);
    const signIn = await request(app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-leep.csrf=${csrf.value}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    const sid = cookiesSetBy(signIn).get('__Host-leep.sid');
    assert.ok(sid);
    const cookies = `__Host-leep.sid=${sid.value}; __Host-leep.csrf=${csrf.value}`;
    const page = await request(app).get('/cases').set('X-Forwarded-Proto', 'https').set('Cookie', cookies).expect(200);
    const csrfNow = cookiesSetBy(page).get('__Host-leep.csrf')?.value ?? csrf.value;
    const res = await request(app)
      .post('/logout')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-leep.sid=${sid.value}; __Host-leep.csrf=${csrfNow}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text) }));
    assert.equal(res.status, 303);
    const cleared = cookiesSetBy(res).get('__Host-leep.sid');
    assert.ok(cleared, 'the cookie is cleared');
    assert.equal(cleared.value, '');
    // Browsers ignore a __Host- cookie set without Secure, which would leave the old one in place.
    assert.equal(cleared.attributes.secure, true);
    assert.equal(cleared.attributes.path, '/');
  });
});

describeEachEngine('A failing session store', (ctx) => {
  it('GET /cases and POST /login, with the sessions table missing, answer 500 with an HTML error page and the process keeps serving', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(app, user);
    const form = await request.agent(app).get('/login').expect(200);
    const csrf = cookiesSetBy(form).get('leep.csrf');
    assert.ok(csrf);

    await ctx.db.knex.schema.renameTable('sessions', 'sessions_x');
    try {
      const cases = await request(app).get('/cases').set('Cookie', cookie);
      assert.ok([500, 503].includes(cases.status), `GET /cases answered ${cases.status}`);
      assert.match(String(cases.headers['content-type']), /text\/html/);
      assert.match(cases.text, /<h1>(Something went wrong|Service unavailable)<\/h1>/);
      assert.doesNotMatch(cases.text, /sessions|SQLITE|relation/i, 'no database detail on the page');

      const login = await request(app)
        .post('/login')
        .set('Cookie', `leep.csrf=${csrf.value}`)
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
      assert.ok([500, 503].includes(login.status), `POST /login answered ${login.status}`);
      assert.match(String(login.headers['content-type']), /text\/html/);
      assert.match(login.text, /<h1>(Something went wrong|Service unavailable)<\/h1>/);

      const health = await request(app).get('/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok' });
    } finally {
      await ctx.db.knex.schema.renameTable('sessions_x', 'sessions');
    }
    assert.equal((await request(app).get('/cases').set('Cookie', cookie)).status, 200, 'and recovers once the table is back');
  });
});
