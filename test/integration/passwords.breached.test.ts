import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('Breached and guessable passwords refused', (ctx) => {
  const { app } = testApp();

  for (const password of ['Spring2025!!!', 'Nasbe2024!!!', 'correcthorsebatterystaple']) {
    it(`POST /admin/users, as a director, with the password "${password}", answers 422 with the reason at the password and creates no user`, async () => {
      const agent = await signInAs(app, await makeUser({ role: 'director' }));
      const csrf = await agent.csrf('/admin/users/new');
      const email = `breached.${Date.now()}.${Math.random().toString(36).slice(2)}@leep.test`;
      const res = await agent
        .post('/admin/users')
        .type('form')
        .send(
          encodeForm({
            _csrf: csrf,
            name: 'Marisol Vega',
            email,
            role: 'consultant',
            capacity: '3',
            password,
            password_confirmation: password,
          }),
        );
      assert.equal(res.status, 422);
      assert.match(res.text, /id="field-password-error"[^>]*>[^<]*(data breaches|digits or signs added)/);
      assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined);
    });
  }

  it("POST /account/password, with the user's own surname and a year, answers 422 and keeps the old password", async () => {
    const me = await makeUser({ role: 'consultant', name: 'Dana Whitfield' });
    const agent = await signInAs(app, me);
    const csrf = await agent.csrf('/account/password');
    const res = await agent
      .post('/account/password')
      .type('form')
      .send(
        encodeForm({ _csrf: csrf, current_password: me.password, password: 'Whitfield2026!!', password_confirmation: 'Whitfield2026!!' }),
      );
    assert.equal(res.status, 422);
    assert.match(res.text, /digits or signs added|made of your name/);
    const again = request.agent(app);
    const token = csrfTokenOf((await again.get('/login')).text);
    const signIn = await again
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: token, email: me.email, password: me.password }));
    assert.equal(signIn.status, 303, 'the old password still works');
  });
});
