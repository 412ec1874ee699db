import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import {
  StaffClient,
  caseRow,
  countFor,
  errorAt,
  eventsOf,
  lastEventId,
  logDeliveredEngagement,
  makeCase,
  millis,
  re,
  staffClient,
} from '../helpers/cases';
import type { CaseStatus } from '../../server/vocabulary';

const supportersOf = async (knex: import('knex').Knex, caseId: number) =>
  (await knex('case_supporters').where({ case_id: caseId }).orderBy('user_id').select('user_id')).map((r) => Number(r.user_id));

describeEachEngine('POST /cases/:id/assignment', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  it('POST /cases/:id/assignment, by a director with a lead and two supporters, stores them, stamps the first assignment and records it', async () => {
    const [lead, s1, s2] = [await makeUser(), await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}/assignment`, {
      lead_consultant_id: String(lead.id),
      supporting_ids: [String(s1.id), String(s2.id)],
    });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#assignment`);
    const row = await caseRow(ctx.db.knex, kase.id);
    assert.equal(row.lead_consultant_id, lead.id);
    assert.equal(row.status, 'assigned');
    assert.notEqual(row.first_assigned_at, null);
    assert.deepEqual(
      await supportersOf(ctx.db.knex, kase.id),
      [s1.id, s2.id].sort((a, b) => a - b),
    );
    const assigned = (await eventsOf(ctx.db.knex, kase.id, since)).filter((e) => e.kind === 'case.assigned');
    assert.equal(assigned.length, 1);
    assert.deepEqual(assigned[0].before, { lead_consultant_id: null, supporting_ids: [] });
    assert.deepEqual(assigned[0].after, { lead_consultant_id: lead.id, supporting_ids: [s1.id, s2.id] });
    assert.equal(assigned[0].actor_user_id, director.user.id);
    const page = await director.get(`/cases/${kase.id}`);
    assert.match(page.text, re(`Lead: ${lead.name}`));
    assert.match(page.text, /Changed the assignment/);
  });

  it('POST /cases/:id/assignment, with the lead also ticked as a supporter, keeps them only as the lead', async () => {
    const [lead, s1] = [await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    const res = await director.post(`/cases/${kase.id}/assignment`, {
      lead_consultant_id: String(lead.id),
      supporting_ids: [String(lead.id), String(s1.id)],
    });
    assert.equal(res.status, 303, res.text);
    assert.deepEqual(await supportersOf(ctx.db.knex, kase.id), [s1.id]);
  });

  it('POST /cases/:id/assignment, reassigning an assigned case, keeps the first assignment time and status and records the before and after', async () => {
    const [a, b, s] = [await makeUser(), await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    assert.equal(
      (await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(a.id), supporting_ids: [String(s.id)] })).status,
      303,
    );
    const first = await caseRow(ctx.db.knex, kase.id);
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(b.id) });
    assert.equal(res.status, 303, res.text);
    const row = await caseRow(ctx.db.knex, kase.id);
    assert.equal(row.lead_consultant_id, b.id);
    assert.equal(row.status, 'assigned');
    assert.equal(millis(row.first_assigned_at), millis(first.first_assigned_at));
    assert.deepEqual(await supportersOf(ctx.db.knex, kase.id), []);
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['case.assigned'],
    );
    assert.deepEqual(events[0].before, { lead_consultant_id: a.id, supporting_ids: [s.id] });
    assert.deepEqual(events[0].after, { lead_consultant_id: b.id, supporting_ids: [] });
    const page = await director.get(`/cases/${kase.id}`);
    assert.match(page.text, re(`Lead: ${a.name} → ${b.name}`));
  });

  it('POST /cases/:id/assignment, saving the same lead and supporters again, records nothing', async () => {
    const [lead, s1, s2] = [await makeUser(), await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    await director.post(`/cases/${kase.id}/assignment`, {
      lead_consultant_id: String(lead.id),
      supporting_ids: [String(s1.id), String(s2.id)],
    });
    const before = await caseRow(ctx.db.knex, kase.id);
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    const res = await director.post(`/cases/${kase.id}/assignment`, {
      lead_consultant_id: String(lead.id),
      supporting_ids: [String(s2.id), String(s1.id)],
    });
    assert.equal(res.status, 303);
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
  });

  it('POST /cases/:id/assignment, keeping the lead but changing the supporters, records the change', async () => {
    const [lead, s1] = [await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) });
    const since = await lastEventId(ctx.db.knex, kase.id);
    assert.equal(
      (await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id), supporting_ids: [String(s1.id)] }))
        .status,
      303,
    );
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(
      events.map((e) => [e.kind, e.before, e.after]),
      [['case.assigned', { lead_consultant_id: lead.id, supporting_ids: [] }, { lead_consultant_id: lead.id, supporting_ids: [s1.id] }]],
    );
  });

  it('POST /cases/:id/assignment, reassigning a case in progress, keeps it in progress', async () => {
    const [a, b] = [await makeUser(), await makeUser()];
    const kase = await makeCase(ctx.db.knex);
    await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(a.id) });
    await logDeliveredEngagement(ctx.db.knex, kase.id, a.id);
    const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(b.id) });
    assert.equal(res.status, 303, res.text);
    const row = await caseRow(ctx.db.knex, kase.id);
    assert.equal(row.status, 'in_progress');
    assert.equal(row.lead_consultant_id, b.id);
  });

  for (const [label, make] of [
    ['an inactive consultant', async () => (await makeUser({ active: false })).id],
    ['an unknown user id', async () => 987654],
  ] as [string, () => Promise<number>][]) {
    it(`POST /cases/:id/assignment, with ${label} as lead, answers 422 with the message at the lead field and changes nothing`, async () => {
      const leadId = await make();
      const kase = await makeCase(ctx.db.knex);
      const before = await caseRow(ctx.db.knex, kase.id);
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(leadId) });
      assert.equal(res.status, 422);
      assert.equal(errorAt(res.text, 'lead_consultant_id'), 'Choose active staff members from the list');
      assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });
  }

  it('POST /cases/:id/assignment, with an inactive supporter, answers 422 with the message at the supporters field and changes nothing', async () => {
    const lead = await makeUser();
    const gone = await makeUser({ active: false });
    const kase = await makeCase(ctx.db.knex);
    const res = await director.post(`/cases/${kase.id}/assignment`, {
      lead_consultant_id: String(lead.id),
      supporting_ids: [String(gone.id)],
    });
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'supporting_ids'), 'Choose active staff members from the list');
    assert.equal((await caseRow(ctx.db.knex, kase.id)).lead_consultant_id, null);
    assert.equal(await countFor(ctx.db.knex, 'case_supporters', kase.id), 0);
  });

  it('POST /cases/:id/assignment, with no lead chosen, answers 422 and changes nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    const res = await director.post(`/cases/${kase.id}/assignment`, {});
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'lead_consultant_id'), 'Enter a lead consultant');
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
  });

  it('POST /cases/:id/assignment, with a lead that is not a number, answers 422 and changes nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: 'abc' });
    assert.equal(res.status, 422);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
  });

  for (const status of ['completed', 'declined', 'withdrawn'] as CaseStatus[]) {
    it(`POST /cases/:id/assignment, on a ${status} case, answers 409 and changes nothing`, async () => {
      const [a, b] = [await makeUser(), await makeUser()];
      const kase = await makeCase(ctx.db.knex, { status, leadId: a.id });
      const before = await caseRow(ctx.db.knex, kase.id);
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(b.id), supporting_ids: [String(a.id)] });
      assert.equal(res.status, 409);
      assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
      assert.equal(await countFor(ctx.db.knex, 'case_supporters', kase.id), 0);
    });
  }
});
