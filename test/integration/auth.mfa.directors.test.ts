import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, freshAddress, makeUser, signInAs } from '../helpers/auth';
import { codeFor, enrolTotp, signInWithCode } from '../helpers/mfa';

const WRONG = 'Not-the-right-password-99';

describeEachEngine('Staff second factor: what directors can do', (ctx) => {
  const { app, config } = testApp({ MFA_REQUIRED: 'directors', TRUST_PROXY: '1' });

  it("POST /admin/users/:id/mfa-reset, as a director, removes the user's factors and codes, ends their sessions, and is audited", async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const dAgent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const consultant = await makeUser({ role: 'consultant' });
    const { secret: cSecret } = await enrolTotp(config, consultant.id);
    const cAgent = await signInWithCode(app, consultant, codeFor(cSecret), freshAddress());
    assert.equal((await cAgent.get('/my-work')).status, 200);

    const edit = await dAgent.get(`/admin/users/${consultant.id}/edit`);
    assert.match(edit.text, /Second factors: authenticator app\./);
    const res = await dAgent
      .post(`/admin/users/${consultant.id}/mfa-reset`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(edit.text) }));
    assert.equal(res.status, 303);
    assert.equal((await cAgent.get('/my-work')).status, 401, 'their session has ended');
    assert.equal(await ctx.db.knex('user_totp').where({ user_id: consultant.id }).first(), undefined);
    assert.equal((await ctx.db.knex('recovery_codes').where({ user_id: consultant.id })).length, 0);
    const [event] = await auditEvents(ctx.db.knex, 'mfa.reset', `user:${consultant.id}`);
    assert.equal(event.actor_user_id, director.id);
    // Not covered by MFA_REQUIRED=directors and without a factor now: the password alone signs in.
    assert.equal(
      (await attemptSignIn(app, consultant.email, consultant.password, { address: freshAddress() })).res.headers.location,
      '/my-work',
    );
  });

  it('POST /admin/users/:id/mfa-reset, as a consultant, answers 403 and removes nothing', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    await enrolTotp(config, other.id);
    const agent = await signInAs(app, consultant);
    const token = await agent.csrf('/my-work');
    const res = await agent
      .post(`/admin/users/${other.id}/mfa-reset`)
      .type('form')
      .send(encodeForm({ _csrf: token }));
    assert.equal(res.status, 403);
    assert.ok(await ctx.db.knex('user_totp').where({ user_id: other.id }).first());
  });

  it('POST /admin/users/:id/sign-in-wait/clear, as a director, lets a user who failed five times sign in again at once, audited', async () => {
    const director = await makeUser({ role: 'director' });
    const { secret } = await enrolTotp(config, director.id);
    const dAgent = await signInWithCode(app, director, codeFor(secret), freshAddress());
    const consultant = await makeUser({ role: 'consultant' });
    const address = freshAddress();
    for (let i = 0; i < 5; i += 1) await attemptSignIn(app, consultant.email, `${WRONG}${i}`, { address });
    assert.equal((await attemptSignIn(app, consultant.email, consultant.password, { address })).res.status, 429);
    const edit = await dAgent.get(`/admin/users/${consultant.id}/edit`);
    assert.match(edit.text, /must wait until/);
    const res = await dAgent
      .post(`/admin/users/${consultant.id}/sign-in-wait/clear`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(edit.text) }));
    assert.equal(res.status, 303);
    assert.equal((await attemptSignIn(app, consultant.email, consultant.password, { address })).res.status, 303);
    const [event] = await auditEvents(ctx.db.knex, 'sign_in.wait_cleared', `user:${consultant.id}`);
    assert.equal(event.actor_user_id, director.id);
  });
});
