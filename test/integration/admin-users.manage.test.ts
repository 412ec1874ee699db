import assert from 'node:assert/strict';
import { encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, auditEvents, checkedOf, errorAt, inputValue, makeUser, signInAs } from '../helpers/auth';
import { uniqueEmail } from '../helpers/admin-users';

const INITIAL = 'Walnut-zephyr-saddle-63';

describeEachEngine('User administration', (ctx) => {
  const knex = () => ctx.db.knex;
  const topicIds = async (slugs: string[]) =>
    (await knex()('topics').whereIn('slug', slugs).orderBy('id').select('id')).map((r) => Number(r.id));
  const topicsOf = async (userId: number) =>
    (await knex()('user_topics').where({ user_id: userId }).orderBy('topic_id').select('topic_id')).map((r) => Number(r.topic_id));
  const userRow = (id: number) => knex()('users').where({ id }).first();
  const countUsers = async () => Number((await knex()('users').count({ n: '*' }))[0].n);
  const isActive = (row: { active: unknown }) => row.active === true || row.active === 1;

  async function director() {
    const { app } = testApp();
    const me = await makeUser({ role: 'director' });
    const agent = await signInAs(app, me);
    return { app, me, agent };
  }

  function newUserFields(overrides: Record<string, string | string[]> = {}) {
    return {
      name: 'Marisol Vega',
      email: uniqueEmail('marisol'),
      role: 'consultant',
      capacity: '3',
      topics: ['equity-lens', 'school-climate'],
      password: INITIAL,
      password_confirmation: INITIAL,
      ...overrides,
    };
  }

  it('GET /admin/users, as a director, answers 200 listing every user with role and status', async () => {
    const { me, agent } = await director();
    const other = await makeUser({ name: 'Listed Consultant', active: false });
    const res = await agent.get('/admin/users');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(me.email));
    assert.ok(res.text.includes(other.email));
    assert.match(res.text, new RegExp(`action="/admin/users/${other.id}/reactivate"`));
    assert.doesNotMatch(res.text, new RegExp(`action="/admin/users/${me.id}/deactivate"`), 'no button to deactivate oneself');
  });

  it('POST /admin/users, as a director, creates a consultant with capacity and expertise and records user.created', async () => {
    const { app, me, agent } = await director();
    const fields = newUserFields({ email: uniqueEmail('Marisol.VEGA') });
    const token = await agent.csrf('/admin/users/new');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send(encodeForm({ _csrf: token, ...fields }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/admin/users?saved=1');

    const row = await knex()('users').where({ email: fields.email.toLowerCase() }).first();
    assert.ok(row, 'stored with the e-mail lower-cased');
    assert.equal(row.name, 'Marisol Vega');
    assert.equal(row.role, 'consultant');
    assert.equal(Number(row.capacity), 3);
    assert.ok(isActive(row));
    assert.match(row.password_hash, /^scrypt\$ln=\d+,r=8,p=1\$/);
    assert.deepEqual(await topicsOf(Number(row.id)), await topicIds(['equity-lens', 'school-climate']));

    const [event] = await auditEvents(knex(), 'user.created', `user:${row.id}`);
    assert.equal(event?.actor_user_id, me.id);
    assert.ok(!String(event.detail_json).includes(INITIAL));
    assert.equal((await attemptSignIn(app, fields.email, INITIAL)).res.status, 303, 'the new user can sign in');
  });

  it('POST /admin/users, with an e-mail already in use (other capitals), answers 422 with the values kept but not the passwords', async () => {
    const { agent } = await director();
    const existing = await makeUser();
    const before = await countUsers();
    const fields = newUserFields({
      email: existing.email.toUpperCase(),
      role: 'director',
      capacity: '7',
      topics: ['early-learning', 'board-governance'],
    });
    const token = await agent.csrf('/admin/users/new');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send(encodeForm({ _csrf: token, ...fields }));
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'email'), 'A user with this e-mail address already exists');
    assert.equal(inputValue(res.text, 'name'), 'Marisol Vega');
    assert.equal(inputValue(res.text, 'email'), existing.email.toUpperCase());
    assert.equal(inputValue(res.text, 'capacity'), '7');
    assert.deepEqual(checkedOf(res.text, 'role'), ['director']);
    assert.deepEqual(checkedOf(res.text, 'topics').sort(), ['board-governance', 'early-learning']);
    assert.equal(inputValue(res.text, 'password'), undefined, 'the password is never re-filled');
    assert.equal(inputValue(res.text, 'password_confirmation'), undefined);
    assert.ok(!res.text.includes(INITIAL));
    assert.equal(await countUsers(), before);
  });

  it('POST /admin/users, with a weak password and a capacity that is not a number, answers 422 naming both and creates nothing', async () => {
    const { agent } = await director();
    const before = await countUsers();
    const fields = newUserFields({ password: 'password1234', password_confirmation: 'password1234', capacity: 'lots' });
    const token = await agent.csrf('/admin/users/new');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send(encodeForm({ _csrf: token, ...fields }));
    assert.equal(res.status, 422);
    assert.ok(errorAt(res.text, 'capacity'), 'a message at capacity');
    assert.equal(inputValue(res.text, 'capacity'), 'lots');
    assert.equal(await countUsers(), before);
    const weakOnly = await agent
      .post('/admin/users')
      .type('form')
      .send(encodeForm({ _csrf: token, ...newUserFields({ password: 'password1234', password_confirmation: 'password1234' }) }));
    assert.equal(weakOnly.status, 422);
    assert.match(errorAt(weakOnly.text, 'password') ?? '', /too common/);
    assert.equal(await countUsers(), before);
  });

  it("GET /admin/users/:id/edit, as a director, shows the user's details and expertise", async () => {
    const { agent } = await director();
    const user = await makeUser({ name: 'Edit Me', capacity: 4, topicIds: await topicIds(['data-equity-audits']) });
    const res = await agent.get(`/admin/users/${user.id}/edit`);
    assert.equal(res.status, 200);
    assert.equal(inputValue(res.text, 'name'), 'Edit Me');
    assert.equal(inputValue(res.text, 'capacity'), '4');
    assert.deepEqual(checkedOf(res.text, 'role'), ['consultant']);
    assert.deepEqual(checkedOf(res.text, 'topics'), ['data-equity-audits']);
  });

  it('POST /admin/users/:id, as a director, changes name, role, capacity and expertise and records user.updated', async () => {
    const { me, agent } = await director();
    const user = await makeUser({ capacity: 2, topicIds: await topicIds(['equity-lens']) });
    const token = await agent.csrf(`/admin/users/${user.id}/edit`);
    const res = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send(
        encodeForm({
          _csrf: token,
          name: 'Renamed Person',
          email: user.email,
          role: 'director',
          capacity: '9',
          topics: ['opportunity-gaps', 'community-engagement'],
        }),
      );
    assert.equal(res.status, 303);
    const row = await userRow(user.id);
    assert.equal(row.name, 'Renamed Person');
    assert.equal(row.role, 'director');
    assert.equal(Number(row.capacity), 9);
    assert.deepEqual(await topicsOf(user.id), await topicIds(['opportunity-gaps', 'community-engagement']));
    const [event] = await auditEvents(knex(), 'user.updated', `user:${user.id}`);
    assert.equal(event?.actor_user_id, me.id);
    const detail = JSON.parse(event.detail_json ?? '{}');
    assert.equal(detail.before.role, 'consultant');
    assert.equal(detail.after.role, 'director');
  });

  it('POST /admin/users/:id, with no expertise ticked, removes all of it', async () => {
    const { agent } = await director();
    const user = await makeUser({ topicIds: await topicIds(['equity-lens', 'early-learning']) });
    const token = await agent.csrf(`/admin/users/${user.id}/edit`);
    const res = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send(encodeForm({ _csrf: token, name: user.name, email: user.email, role: 'consultant', capacity: '5' }));
    assert.equal(res.status, 303);
    assert.deepEqual(await topicsOf(user.id), []);
  });

  it("POST /admin/users/:id, with another user's e-mail, answers 422 with the values kept and changes nothing", async () => {
    const { agent } = await director();
    const user = await makeUser({ name: 'Keeps Name' });
    const other = await makeUser();
    const token = await agent.csrf(`/admin/users/${user.id}/edit`);
    const res = await agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send(encodeForm({ _csrf: token, name: 'Tried Rename', email: other.email, role: 'consultant', capacity: '5' }));
    assert.equal(res.status, 422);
    assert.ok(errorAt(res.text, 'email'));
    assert.equal(inputValue(res.text, 'name'), 'Tried Rename');
    const row = await userRow(user.id);
    assert.equal(row.name, 'Keeps Name');
    assert.equal(row.email, user.email);
    assert.equal((await auditEvents(knex(), 'user.updated', `user:${user.id}`)).length, 0);
  });

  it('POST /admin/users/:id, by a director removing their own director role, answers 422 and the role stays', async () => {
    const { me, agent } = await director();
    const token = await agent.csrf(`/admin/users/${me.id}/edit`);
    const res = await agent
      .post(`/admin/users/${me.id}`)
      .type('form')
      .send(encodeForm({ _csrf: token, name: me.name, email: me.email, role: 'consultant', capacity: '5' }));
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'role'), 'You cannot remove your own director role');
    assert.equal((await userRow(me.id)).role, 'director');
    assert.equal((await agent.get('/admin/users')).status, 200);
  });

  it('POST /admin/users/:id/deactivate, by a director on their own account, answers 409 and they stay active', async () => {
    const { me, agent } = await director();
    const token = await agent.csrf('/admin/users');
    const res = await agent
      .post(`/admin/users/${me.id}/deactivate`)
      .type('form')
      .send(encodeForm({ _csrf: token, confirm: 'yes' }));
    assert.equal(res.status, 409);
    assert.match(res.text, /You cannot deactivate your own account/);
    assert.ok(isActive(await userRow(me.id)));
    assert.equal((await agent.get('/admin/users')).status, 200);
    assert.equal((await auditEvents(knex(), 'user.deactivated', `user:${me.id}`)).length, 0);
  });

  it('POST /admin/users/:id/deactivate then /reactivate, as a director, records both and the user can sign in again', async () => {
    const { app, me, agent } = await director();
    const user = await makeUser();
    const token = await agent.csrf('/admin/users');
    assert.equal(
      (
        await agent
          .post(`/admin/users/${user.id}/deactivate`)
          .type('form')
          .send(encodeForm({ _csrf: token, confirm: 'yes' }))
      ).status,
      303,
    );
    assert.equal(isActive(await userRow(user.id)), false);
    assert.equal((await attemptSignIn(app, user.email, user.password)).res.status, 401);

    assert.equal(
      (
        await agent
          .post(`/admin/users/${user.id}/reactivate`)
          .type('form')
          .send(encodeForm({ _csrf: token }))
      ).status,
      303,
    );
    assert.ok(isActive(await userRow(user.id)));
    assert.equal((await attemptSignIn(app, user.email, user.password)).res.status, 303);

    const [deactivated] = await auditEvents(knex(), 'user.deactivated', `user:${user.id}`);
    const [reactivated] = await auditEvents(knex(), 'user.reactivated', `user:${user.id}`);
    assert.equal(deactivated?.actor_user_id, me.id);
    assert.equal(reactivated?.actor_user_id, me.id);
  });

  it('POST /admin/users/:id, making another director a consultant, takes effect on their session at once', async () => {
    const { app, agent } = await director();
    const other = await makeUser({ role: 'director' });
    const otherAgent = await signInAs(app, other);
    assert.equal((await otherAgent.get('/admin/users')).status, 200);
    const token = await agent.csrf(`/admin/users/${other.id}/edit`);
    const res = await agent
      .post(`/admin/users/${other.id}`)
      .type('form')
      .send(encodeForm({ _csrf: token, name: other.name, email: other.email, role: 'consultant', capacity: '5' }));
    assert.equal(res.status, 303);
    assert.equal((await otherAgent.get('/admin/users')).status, 403);
  });

  it('GET and POST /admin/users/:id, for a user that does not exist or a malformed id, answer 404', async () => {
    const { agent } = await director();
    const token = await agent.csrf('/admin/users');
    assert.equal((await agent.get('/admin/users/999999/edit')).status, 404);
    assert.equal((await agent.get('/admin/users/abc/edit')).status, 404);
    assert.equal(
      (
        await agent
          .post('/admin/users/999999/deactivate')
          .type('form')
          .send(encodeForm({ _csrf: token, confirm: 'yes' }))
      ).status,
      404,
    );
    const update = await agent
      .post('/admin/users/999999')
      .type('form')
      .send(encodeForm({ _csrf: token, name: 'X', email: uniqueEmail('x'), role: 'consultant', capacity: '1' }));
    assert.equal(update.status, 404);
  });
});
