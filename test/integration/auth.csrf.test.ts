import assert from 'node:assert/strict';
import { encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { makeUser, signInAs } from '../helpers/auth';

const NEW_PASSWORD = 'Juniper-quartz-ribbon-58';
const FORGED = 'forged-token-0123456789abcdef';

/** What a form without a valid token must answer: 403 and the "form has expired" page. */
function assertRefused(res: { status: number; text: string }): void {
  assert.equal(res.status, 403);
  assert.match(res.text, /This form has expired or did not come from this site/);
}

describeEachEngine('CSRF protection of staff forms', (ctx) => {
  const countUsers = async () => Number((await ctx.db.knex('users').count({ n: '*' }))[0].n);
  const newUserForm = (email: string, token?: string) =>
    encodeForm({
      _csrf: token,
      name: 'Forged User',
      email,
      role: 'director',
      capacity: '5',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    });

  for (const [label, token] of [
    ['without a _csrf token', undefined],
    ['with a made-up _csrf token', FORGED],
  ] as const) {
    it(`POST /admin/users, ${label}, answers 403 and creates no user`, async () => {
      const { app } = testApp();
      const director = await makeUser({ role: 'director' });
      const agent = await signInAs(app, director);
      const before = await countUsers();
      const email = `forged.${Date.now()}@leep.test`;
      assertRefused(await agent.post('/admin/users').type('form').send(newUserForm(email, token)));
      assert.equal(await countUsers(), before);
      assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined);
    });
  }

  it("POST /admin/users, with a token from another user's page, answers 403 and creates no user", async () => {
    const { app } = testApp();
    const victim = await makeUser({ role: 'director' });
    const attacker = await makeUser({ role: 'director' });
    const victimAgent = await signInAs(app, victim);
    const attackerAgent = await signInAs(app, attacker);
    const attackerToken = await attackerAgent.csrf('/admin/users/new');
    const email = `crossed.${Date.now()}@leep.test`;
    assertRefused(await victimAgent.post('/admin/users').type('form').send(newUserForm(email, attackerToken)));
    assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined);
  });

  it('POST /admin/users, with a valid token but an Origin of another site, answers 403 and creates no user', async () => {
    const { app } = testApp();
    const director = await makeUser({ role: 'director' });
    const agent = await signInAs(app, director);
    const token = await agent.csrf('/admin/users/new');
    const email = `origin.${Date.now()}@leep.test`;
    const res = await agent.post('/admin/users').set('Origin', 'https://evil.example').type('form').send(newUserForm(email, token));
    assert.equal(res.status, 403);
    assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined);
  });

  it('POST /account/password, without a _csrf token, answers 403 and keeps the old password', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const agent = await signInAs(app, user);
    const before = (await ctx.db.knex('users').where({ id: user.id }).first('password_hash')).password_hash;
    const res = await agent
      .post('/account/password')
      .type('form')
      .send(encodeForm({ current_password: user.password, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }));
    assertRefused(res);
    assert.equal((await ctx.db.knex('users').where({ id: user.id }).first('password_hash')).password_hash, before);
  });

  it('POST /logout, without a _csrf token, answers 403 and the session goes on', async () => {
    const { app } = testApp();
    const user = await makeUser();
    const agent = await signInAs(app, user);
    assertRefused(await agent.post('/logout').type('form').send(encodeForm({})));
    assert.equal((await ctx.db.knex('sessions').where({ user_id: user.id })).length, 1);
    assert.equal((await agent.get('/cases')).status, 200);
  });

  it('POST /admin/users/:id/deactivate, without a _csrf token, answers 403 and the user stays active and signed in', async () => {
    const { app } = testApp();
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser();
    const consultantAgent = await signInAs(app, consultant);
    const agent = await signInAs(app, director);
    assertRefused(
      await agent
        .post(`/admin/users/${consultant.id}/deactivate`)
        .type('form')
        .send(encodeForm({ _csrf: FORGED })),
    );
    assertRefused(await agent.post(`/admin/users/${consultant.id}/deactivate`).type('form').send(''));
    const row = await ctx.db.knex('users').where({ id: consultant.id }).first('active');
    assert.ok([true, 1].includes(row.active));
    assert.equal((await consultantAgent.get('/cases')).status, 200);
    assert.equal((await ctx.db.knex('audit_events').where({ action: 'user.deactivated', subject: `user:${consultant.id}` })).length, 0);
  });
});
