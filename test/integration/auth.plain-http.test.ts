import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import request from 'supertest';
import { agentFrom, cookiesSetBy, makeUser } from '../helpers/auth';

describeEachEngine('Sign-in over plain http with an https PUBLIC_URL', () => {
  it('POST /login, over plain http while PUBLIC_URL is https, answers 400 naming TRUST_PROXY and X-Forwarded-Proto and checks no password', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.test' });
    const user = await makeUser();
    const agent = agentFrom(app);
    const form = await agent.get('/login').set('Host', 'leep.test');
    const res = await agent
      .post('/login')
      .set('Host', 'leep.test')
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 400);
    assert.match(res.text, /TRUST_PROXY/);
    assert.match(res.text, /X-Forwarded-Proto/);
    assert.ok(!String(res.headers['set-cookie'] ?? '').includes('leep.sid'), 'no session cookie');
  });

  it('POST /login, through a trusted proxy that says X-Forwarded-Proto: https, signs in', async () => {
    const { app } = testApp({ PUBLIC_URL: 'https://leep.test', TRUST_PROXY: '1' });
    const user = await makeUser();
    // The agent would not send Secure cookies over plain http, so the cookie is carried by hand.
    const form = await request(app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrf = cookiesSetBy(form).get('__Host-leep.csrf');
    const res = await request(app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `__Host-leep.csrf=${csrf?.value}`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
    assert.equal(res.status, 303);
    assert.ok(cookiesSetBy(res).get('__Host-leep.sid'));
  });
});
