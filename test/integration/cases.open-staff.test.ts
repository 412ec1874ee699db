import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { caseRow, errorAt, eventsOf, marker, shownValue, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { requestForm } from '../helpers/factories';

describeEachEngine('Opening a case as staff: words for staff, lead and priority at once', (ctx) => {
  const { app } = testApp();

  it('GET /cases/new, as a director, speaks of the requester (not "you") and offers the lead and the priority', async () => {
    const consultant = await makeUser({ role: 'consultant', name: `Lead Choice ${marker()}` });
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const res = await director.get('/cases/new');
    assert.equal(res.status, 200);
    assert.match(res.text, /<legend class="usa-legend usa-legend--large">Requester<\/legend>/);
    assert.match(res.text, /for="field-name">Requester&#x27;s name</);
    assert.doesNotMatch(res.text, /About you|Your name|Your state or jurisdiction/);
    assert.match(res.text, /<select[^>]*id="field-lead_consultant_id"/);
    assert.ok(res.text.includes(`<option value="${consultant.id}">${consultant.name}</option>`), 'active consultants are offered as lead');
    assert.match(res.text, /name="priority" value="high"/);
  });

  it('GET /requests/new, for the public, still speaks to the requester ("About you", "Your name")', async () => {
    const { agent } = await staffClient(app, await makeUser({ role: 'director' }));
    const res = await agent.get('/requests/new');
    assert.match(res.text, /About you/);
    assert.match(res.text, /for="field-name">Your name</);
    assert.doesNotMatch(res.text, /lead_consultant_id/);
  });

  it('POST /cases, by a director with a lead and high priority, opens the case assigned to the lead, with high priority, each change on the timeline', async () => {
    const lead = await makeUser({ role: 'consultant' });
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const res = await director.post(
      '/cases',
      requestForm({ title: `Led ${marker()}`, lead_consultant_id: String(lead.id), priority: 'high' }),
    );
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const id = Number(/^\/cases\/(\d+)$/.exec(res.headers.location)?.[1]);
    const row = await ctx.db.knex('cases').where({ id }).first();
    assert.deepEqual([row.status, Number(row.lead_consultant_id), row.priority, row.source], ['assigned', lead.id, 'high', 'staff']);
    assert.deepEqual(
      (await eventsOf(ctx.db.knex, id)).map((e) => e.kind),
      ['case.created', 'case.assigned', 'case.status_changed', 'case.priority_changed'],
    );
  });

  it('POST /cases, by a director with a lead who does not exist and a missing title, answers 422 with both messages, keeps the values and opens nothing', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const [{ n: before }] = await ctx.db.knex('cases').count({ n: '*' });
    const res = await director.post(
      '/cases',
      requestForm({ title: '', name: 'Kept Name', lead_consultant_id: '987654', priority: 'high' }),
    );
    assert.equal(res.status, 422);
    assert.match(errorAt(res.text, 'lead_consultant_id') ?? '', /Choose the lead from the list/);
    assert.ok(errorAt(res.text, 'title'), 'the title is refused too');
    assert.equal(shownValue(res.text, 'name'), 'Kept Name');
    assert.match(res.text, /name="priority" value="high" checked/);
    const [{ n: after }] = await ctx.db.knex('cases').count({ n: '*' });
    assert.equal(Number(after), Number(before));
  });

  it('POST /cases, by a consultant who sends a lead and a priority, opens a new, unassigned, normal case that they support', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const client = await staffClient(app, consultant);
    const res = await client.post(
      '/cases',
      requestForm({ title: `Self ${marker()}`, lead_consultant_id: String(other.id), priority: 'high' }),
    );
    assert.equal(res.status, 303);
    const id = Number(/^\/cases\/(\d+)$/.exec(res.headers.location)?.[1]);
    const row = await caseRow(ctx.db.knex, id);
    assert.deepEqual([row.status, row.lead_consultant_id, row.priority], ['new', null, 'normal']);
    assert.equal(Number((await ctx.db.knex('case_supporters').where({ case_id: id, user_id: consultant.id }).count({ n: '*' }))[0].n), 1);
  });
});
