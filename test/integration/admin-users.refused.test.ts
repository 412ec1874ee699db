import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { auditEvents, makeUser, signInAs } from '../helpers/auth';
import { NEW_PASSWORD, uniqueEmail } from '../helpers/admin-users';

describeEachEngine('User administration, refused', (ctx) => {
  const knex = () => ctx.db.knex;
  const routes = (id: number) =>
    [
      { method: 'get', path: '/admin/users' },
      { method: 'get', path: '/admin/users/new' },
      { method: 'get', path: `/admin/users/${id}/edit` },
      {
        method: 'post',
        path: '/admin/users',
        form: {
          name: 'Sneaky',
          email: uniqueEmail('sneaky'),
          role: 'director',
          capacity: '5',
          password: NEW_PASSWORD,
          password_confirmation: NEW_PASSWORD,
        },
      },
      {
        method: 'post',
        path: `/admin/users/${id}`,
        form: { name: 'Hijacked', email: uniqueEmail('hijack'), role: 'director', capacity: '50' },
      },
      { method: 'post', path: `/admin/users/${id}/deactivate`, form: {} },
      { method: 'post', path: `/admin/users/${id}/reactivate`, form: {} },
    ] as { method: 'get' | 'post'; path: string; form?: Record<string, string> }[];

  it('every /admin/users route, as a consultant, answers 403, changes nothing and records access.refused', async () => {
    const { app } = testApp();
    const consultant = await makeUser();
    const target = await makeUser({ name: 'Target Person' });
    const agent = await signInAs(app, consultant);
    const token = await agent.csrf();
    const usersBefore = Number((await knex()('users').count({ n: '*' }))[0].n);
    const before = Date.now();
    for (const route of routes(target.id)) {
      const res =
        route.method === 'get'
          ? await agent.get(route.path)
          : await agent
              .post(route.path)
              .type('form')
              .send(encodeForm({ _csrf: token, ...route.form }));
      assert.equal(res.status, 403, `${route.method.toUpperCase()} ${route.path} answered ${res.status}`);
      assert.match(res.text, /Access denied/);
    }
    assert.equal(Number((await knex()('users').count({ n: '*' }))[0].n), usersBefore);
    const row = await knex()('users').where({ id: target.id }).first();
    assert.equal(row.name, 'Target Person');
    assert.equal(row.role, 'consultant');
    assert.ok(row.active === true || row.active === 1);

    const refused = (await auditEvents(knex(), 'access.refused')).filter((e) => e.actor_user_id === consultant.id);
    assert.deepEqual(
      refused.map((e) => e.subject),
      routes(target.id).map((r) => r.path),
    );
    for (const e of refused) {
      assert.deepEqual(JSON.parse(e.detail_json ?? '{}'), { status: 403 });
      assert.ok(new Date(e.created_at).getTime() >= before - 1000);
    }
  });

  it('every /admin/users route, signed out, answers 401 and changes nothing', async () => {
    const { app } = testApp();
    const target = await makeUser({ name: 'Untouched Person' });
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get('/login').expect(200)).text);
    for (const route of routes(target.id)) {
      const res =
        route.method === 'get'
          ? await agent.get(route.path)
          : await agent
              .post(route.path)
              .type('form')
              .send(encodeForm({ _csrf: token, ...route.form }));
      assert.equal(res.status, 401, `${route.method.toUpperCase()} ${route.path} answered ${res.status}`);
      if (route.method === 'get') assert.match(res.text, /action="\/login"/, 'a signed-out GET gets the sign-in form');
    }
    const row = await knex()('users').where({ id: target.id }).first();
    assert.equal(row.name, 'Untouched Person');
    assert.ok(row.active === true || row.active === 1);
  });
});
