// The session store: no write for each page read, sessions that outlive a restart, and an error
// page (with the process still serving) when the store fails.
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { cookiesSetBy, makeUser } from '../helpers/auth';
import { signedInCookie } from '../helpers/auth-sessions';

describeEachEngine('Sign-in sessions', (ctx) => {
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

  it('GET /cases, on a second app instance over the same database (a restart), answers 200 with the same cookie', async () => {
    const first = testApp();
    const user = await makeUser();
    const cookie = await signedInCookie(first.app, user);
    const second = testApp();
    assert.notEqual(second.app, first.app);
    const res = await request(second.app).get('/cases').set('Cookie', cookie);
    assert.equal(res.status, 200);
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
