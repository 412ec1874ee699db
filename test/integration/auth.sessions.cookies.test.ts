// The session cookie's name and flags, over http and behind an HTTPS proxy, set and cleared.
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, cookiesSetBy, makeUser } from '../helpers/auth';
import { MINUTE } from '../helpers/auth-sessions';

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
