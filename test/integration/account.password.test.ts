import assert from 'node:assert/strict';
import request from 'supertest';
import { encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, errorAt, makeUser, signInAs } from '../helpers/auth';
import { NEW_PASSWORD } from '../helpers/admin-users';

describeEachEngine("Changing one's own password", (ctx) => {
  const hashOf = async (id: number) => (await ctx.db.knex('users').where({ id }).first('password_hash')).password_hash as string;

  it('POST /account/password, with the right current password and a strong new one, changes it: the old one no longer signs in', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const agent = await signInAs(app, user);
    const token = await agent.csrf();
    const res = await agent
      .post('/account/password')
      .type('form')
      .send(encodeForm({ _csrf: token, current_password: user.password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/account/password?changed=1');
    const page = await agent.get(res.headers.location);
    assert.equal(page.status, 200);
    assert.match(page.text, /Your password has been changed/);
    assert.match(await hashOf(user.id), /^scrypt\$ln=\d+,r=8,p=1\$/);

    assert.equal((await attemptSignIn(app, user.email, user.password)).res.status, 401);
    assert.equal((await attemptSignIn(app, user.email, NEW_PASSWORD)).res.status, 303);
    const [event] = await auditEvents(ctx.db.knex, 'user.password_changed', `user:${user.id}`);
    assert.equal(event?.actor_user_id, user.id);
  });

  it('POST /account/password, while signed in on two devices, ends the other session and keeps this one', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const laptop = await signInAs(app, user);
    const phone = await signInAs(app, user);
    const token = await laptop.csrf();
    const res = await laptop
      .post('/account/password')
      .type('form')
      .send(encodeForm({ _csrf: token, current_password: user.password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }));
    assert.equal(res.status, 303);
    assert.equal((await laptop.get('/cases')).status, 200);
    assert.equal((await phone.get('/cases')).status, 401);
  });

  it('POST /account/password, with a wrong current password, answers 422 at current_password and keeps the old password', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const agent = await signInAs(app, user);
    const before = await hashOf(user.id);
    const token = await agent.csrf();
    const res = await agent
      .post('/account/password')
      .type('form')
      .send(
        encodeForm({
          _csrf: token,
          current_password: 'Not-my-password-at-all',
          password: NEW_PASSWORD,
          password_confirmation: NEW_PASSWORD,
        }),
      );
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'current_password'), 'Your current password is not correct');
    assert.ok(!res.text.includes(NEW_PASSWORD) && !res.text.includes('Not-my-password-at-all'), 'no password is sent back');
    assert.equal(await hashOf(user.id), before);
  });

  it('POST /account/password, with a weak new password or a confirmation that differs, answers 422 and keeps the old password', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const agent = await signInAs(app, user);
    const before = await hashOf(user.id);
    const token = await agent.csrf();
    const weak = await agent
      .post('/account/password')
      .type('form')
      .send(
        encodeForm({ _csrf: token, current_password: user.password, password: 'qwertyuiop123', password_confirmation: 'qwertyuiop123' }),
      );
    assert.equal(weak.status, 422);
    assert.ok(errorAt(weak.text, 'password'));
    const mismatch = await agent
      .post('/account/password')
      .type('form')
      .send(
        encodeForm({ _csrf: token, current_password: user.password, password: NEW_PASSWORD, password_confirmation: `${NEW_PASSWORD}!` }),
      );
    assert.equal(mismatch.status, 422);
    assert.ok(errorAt(mismatch.text, 'password_confirmation'));
    const hasEmail = await agent
      .post('/account/password')
      .type('form')
      .send(
        encodeForm({
          _csrf: token,
          current_password: user.password,
          password: `Zz-${user.email}-Zz`,
          password_confirmation: `Zz-${user.email}-Zz`,
        }),
      );
    assert.equal(hasEmail.status, 422);
    assert.equal(await hashOf(user.id), before);
  });

  it('GET /account/password, signed out, answers 401 with the sign-in form', async () => {
    const { app } = testApp();
    const res = await request(app).get('/account/password');
    assert.equal(res.status, 401);
    assert.match(res.text, /action="\/login"/);
  });
});
