import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { changeStatus } from '../../server/services/case.service';
import {
  StaffAgent,
  addEngagement,
  assertNothingStored,
  engagementForm,
  eventsOf,
  makeCase,
  postForm,
  staffAgent,
  storeEngagement,
} from '../helpers/engagements';

describeEachEngine('Engagement access', (ctx) => {
  const { app, config } = testApp();

  /** A case led by one consultant and supported by another, with one scheduled engagement. */
  async function caseWithEngagement() {
    const lead = await makeUser({ role: 'consultant' });
    const supporter = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, supporters: [supporter] });
    const engagementId = await storeEngagement(kase.id, lead, {});
    return { lead, supporter, kase, engagementId };
  }

  /** Every engagement page and action, done by `agent`; returns each answer's status. */
  async function everyAction(agent: StaffAgent, caseId: number, engagementId: number, by: TestUser) {
    const form = engagementForm([by], { duration_minutes: '45' });
    return {
      newForm: (await agent.get(`/cases/${caseId}/engagements/new`)).status,
      create: (await postForm(agent, `/cases/${caseId}/engagements`, form)).status,
      editForm: (await agent.get(`/engagements/${engagementId}/edit`)).status,
      update: (await postForm(agent, `/engagements/${engagementId}`, form)).status,
      calendar: (await agent.get(`/engagements/${engagementId}.ics`)).status,
      cancel: (await postForm(agent, `/engagements/${engagementId}/cancel`, { confirm: 'yes' })).status,
      delete: (await postForm(agent, `/engagements/${engagementId}/delete`, { confirm: 'yes' })).status,
    };
  }

  it('every engagement page and action, as a consultant not on the case, answers 404 and changes nothing', async () => {
    const { kase, engagementId } = await caseWithEngagement();
    const outsider = await makeUser({ role: 'consultant' });
    const agent = await staffAgent(app, outsider);
    const statuses = await assertNothingStored(ctx.db.knex, () => everyAction(agent, kase.id, engagementId, outsider));
    assert.deepEqual(statuses, { newForm: 404, create: 404, editForm: 404, update: 404, calendar: 404, cancel: 404, delete: 404 });
  });

  it('GET /engagements/:id/edit, as a consultant not on the case, answers the same 404 as for an engagement that does not exist', async () => {
    const { engagementId } = await caseWithEngagement();
    const agent = await staffAgent(app, await makeUser({ role: 'consultant' }));
    const refused = await agent.get(`/engagements/${engagementId}/edit`);
    const missing = await agent.get(`/engagements/${engagementId + 100000}/edit`);
    assert.deepEqual([refused.status, missing.status], [404, 404]);
    assert.ok(!refused.text.includes('Edit engagement'), 'the refused page shows the form');
  });

  it('every engagement page and action, as a supporting consultant, is allowed', async () => {
    const { supporter, kase, engagementId } = await caseWithEngagement();
    const agent = await staffAgent(app, supporter);
    const statuses = await everyAction(agent, kase.id, engagementId, supporter);
    assert.deepEqual(statuses, { newForm: 200, create: 303, editForm: 200, update: 303, calendar: 200, cancel: 303, delete: 303 });
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'engagement.deleted'))[0]?.actor_user_id, supporter.id);
    assert.equal(Number((await ctx.db.knex('engagements').where({ case_id: kase.id }).count({ n: '*' }))[0].n), 1);
  });

  it('every engagement page and action, as the lead consultant, is allowed', async () => {
    const { lead, kase, engagementId } = await caseWithEngagement();
    const agent = await staffAgent(app, lead);
    assert.deepEqual(await everyAction(agent, kase.id, engagementId, lead), {
      newForm: 200,
      create: 303,
      editForm: 200,
      update: 303,
      calendar: 200,
      cancel: 303,
      delete: 303,
    });
  });

  it('every engagement page and action, as a director not on the case, is allowed', async () => {
    const { kase, engagementId } = await caseWithEngagement();
    const director = await makeUser({ role: 'director' });
    const agent = await staffAgent(app, director);
    assert.deepEqual(await everyAction(agent, kase.id, engagementId, director), {
      newForm: 200,
      create: 303,
      editForm: 200,
      update: 303,
      calendar: 200,
      cancel: 303,
      delete: 303,
    });
  });

  it('POST /cases/:id/engagements, as a director on a case nobody is assigned to, adds the engagement', async () => {
    const director = await makeUser({ role: 'director' });
    const kase = await makeCase(config);
    const agent = await staffAgent(app, director);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([director]));
    assert.equal(Number((await ctx.db.knex('engagements').where({ id }).first()).case_id), kase.id);
  });

  it('GET and POST /cases/:id/engagements, on a declined case, answer 409 and store nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const kase = await makeCase(config);
    await changeStatus(kase.id, { to: 'declined', reason: 'Outside the program' }, { id: director.id, role: 'director' });
    const agent = await staffAgent(app, director);
    const statuses = await assertNothingStored(ctx.db.knex, async () => [
      (await agent.get(`/cases/${kase.id}/engagements/new`)).status,
      (await postForm(agent, `/cases/${kase.id}/engagements`, engagementForm([director]))).status,
    ]);
    assert.deepEqual(statuses, [409, 409]);
  });

  it('POST /cases/:id/engagements, on a withdrawn case, answers 409, while its earlier engagements can still be corrected', async () => {
    const { lead, kase, engagementId } = await caseWithEngagement();
    const director = await makeUser({ role: 'director' });
    await changeStatus(kase.id, { to: 'withdrawn', reason: 'The board changed its plans' }, { id: director.id, role: 'director' });
    const agent = await staffAgent(app, lead);
    assert.equal((await postForm(agent, `/cases/${kase.id}/engagements`, engagementForm([lead]))).status, 409);
    assert.equal((await postForm(agent, `/engagements/${engagementId}/cancel`, { confirm: 'yes' })).status, 303);
  });

  it('every engagement page and action, when not signed in, answers 401 and changes nothing', async () => {
    const { lead, kase, engagementId } = await caseWithEngagement();
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get('/login')).text);
    const post = (path: string, fields: Record<string, string | string[] | undefined> = {}) =>
      agent
        .post(path)
        .type('form')
        .send(encodeForm({ ...fields, _csrf: token }));
    const statuses = await assertNothingStored(ctx.db.knex, async () => ({
      myWork: (await agent.get('/my-work')).status,
      newForm: (await agent.get(`/cases/${kase.id}/engagements/new`)).status,
      create: (await post(`/cases/${kase.id}/engagements`, engagementForm([lead]))).status,
      editForm: (await agent.get(`/engagements/${engagementId}/edit`)).status,
      update: (await post(`/engagements/${engagementId}`, engagementForm([lead]))).status,
      calendar: (await agent.get(`/engagements/${engagementId}.ics`)).status,
      cancel: (await post(`/engagements/${engagementId}/cancel`, { confirm: 'yes' })).status,
      delete: (await post(`/engagements/${engagementId}/delete`, { confirm: 'yes' })).status,
    }));
    assert.deepEqual(statuses, {
      myWork: 401,
      newForm: 401,
      create: 401,
      editForm: 401,
      calendar: 401,
      update: 401,
      cancel: 401,
      delete: 401,
    });
  });

  it('GET /engagements/:id/edit and .ics, with an id too large for the database, answer 404', async () => {
    const director = await makeUser({ role: 'director' });
    const agent = await staffAgent(app, director);
    const kase = await makeCase(config);
    assert.equal((await agent.get('/engagements/99999999999/edit')).status, 404);
    assert.equal((await agent.get('/engagements/99999999999.ics')).status, 404);
    assert.equal((await postForm(agent, '/engagements/99999999999/cancel', { confirm: 'yes' })).status, 404);
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/99999999999.ics`)).status, 404);
  });
});
