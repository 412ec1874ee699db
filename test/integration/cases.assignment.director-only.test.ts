import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser, TestUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { requestForm } from '../helpers/factories';
import { StaffClient, caseRow, countFor, eventsOf, makeCase, re, staffClient } from '../helpers/cases';

describeEachEngine('Director-only case pages and actions', (ctx) => {
  const { app } = testApp();
  let consultant: TestUser;
  let client: StaffClient;

  before(async () => {
    consultant = await makeUser({ role: 'consultant' });
    client = await staffClient(app, consultant);
  });

  /** A case the consultant leads, so that a refusal is about the role, not about access. */
  const ownCase = () => makeCase(ctx.db.knex, { status: 'assigned', leadId: consultant.id });

  const refusals = async () =>
    Number((await ctx.db.knex('audit_events').where({ action: 'access.refused', actor_user_id: consultant.id }).count({ n: '*' }))[0].n);

  it('POST /cases/:id/assignment, as a consultant, answers 403 and changes nothing', async () => {
    const kase = await ownCase();
    const other = await makeUser();
    const before = await caseRow(ctx.db.knex, kase.id);
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    const audits = await refusals();
    const res = await client.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(other.id) });
    assert.equal(res.status, 403);
    assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    assert.equal(await refusals(), audits + 1);
  });

  it('POST /cases/:id/priority, as a consultant, answers 403 and changes nothing', async () => {
    const kase = await ownCase();
    const res = await client.post(`/cases/${kase.id}/priority`, { priority: 'high' });
    assert.equal(res.status, 403);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).priority, 'normal');
    assert.equal((await eventsOf(ctx.db.knex, kase.id)).filter((e) => e.kind === 'case.priority_changed').length, 0);
  });

  it('GET /cases/:id/edit, as a consultant, answers 403', async () => {
    const kase = await ownCase();
    const res = await client.get(`/cases/${kase.id}/edit`);
    assert.equal(res.status, 403);
    assert.doesNotMatch(res.text, /Save changes/);
  });

  it('POST /cases/:id (edit), as a consultant, answers 403 and changes nothing', async () => {
    const kase = await ownCase();
    const before = await caseRow(ctx.db.knex, kase.id);
    const res = await client.post(`/cases/${kase.id}`, requestForm({ title: 'Changed by a consultant' }));
    assert.equal(res.status, 403);
    assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
  });

  it('GET /cases/triage, as a consultant, answers 403', async () => {
    const audits = await refusals();
    const res = await client.get('/cases/triage');
    assert.equal(res.status, 403);
    assert.equal(await refusals(), audits + 1);
  });

  it('GET /cases/:id, as the lead consultant, shows the team but no assignment or priority form', async () => {
    const kase = await ownCase();
    const res = await client.get(`/cases/${kase.id}`);
    assert.equal(res.status, 200);
    assert.match(res.text, re(`Lead: ${consultant.name}`));
    assert.doesNotMatch(res.text, /action="\/cases\/\d+\/assignment"/);
    assert.doesNotMatch(res.text, /action="\/cases\/\d+\/priority"/);
    assert.doesNotMatch(res.text, /Edit the request/);
  });
});
