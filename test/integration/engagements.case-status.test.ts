import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { addEngagement, caseRow, daysFromToday, engagementForm, eventsOf, makeCase, postForm, staffAgent } from '../helpers/engagements';

describeEachEngine('Engagements and the case status', (ctx) => {
  const { app, config } = testApp();

  async function consultantOnCase() {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    return { consultant, kase, agent };
  }

  const delivered = (consultant: { id: number }, days = -1) =>
    engagementForm([consultant], { status: 'delivered', date: daysFromToday(days), summary: 'We walked through the plan' });
  const complete = { to: 'completed', closing_summary: 'The board adopted the equity framework.' };

  it('POST /cases/:id/engagements, the first delivered one on an assigned case, moves it to in progress and records both events', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
    const id = await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant));
    const after = await caseRow(ctx.db.knex, kase.id);
    assert.equal(after.status, 'in_progress');
    assert.ok(after.first_engagement_at, 'first_engagement_at was not set');
    const events = (await eventsOf(ctx.db.knex, kase.id)).filter(
      (e) => e.kind.startsWith('engagement.') || e.kind === 'case.status_changed',
    );
    assert.deepEqual(
      events.map((e) => e.kind),
      ['case.status_changed', 'engagement.added', 'case.status_changed'],
    );
    assert.equal(events[1].after?.engagement_id, id);
    assert.deepEqual(events[2].before, { status: 'assigned' });
    assert.deepEqual(events[2].after, { status: 'in_progress', via: 'first delivered engagement' });
    assert.equal(events[2].actor_user_id, consultant.id);
  });

  it('POST /cases/:id/engagements, a second delivered one, leaves no second status event and keeps the first engagement time', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant, -5));
    const first = await caseRow(ctx.db.knex, kase.id);
    const statusEvents = (await eventsOf(ctx.db.knex, kase.id, 'case.status_changed')).length;
    await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant, -1));
    const second = await caseRow(ctx.db.knex, kase.id);
    assert.equal(second.status, 'in_progress');
    assert.equal(second.first_engagement_at, first.first_engagement_at);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'case.status_changed')).length, statusEvents);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'engagement.added')).length, 2);
  });

  it('POST /cases/:id/engagements, a scheduled one, leaves the case assigned without a first engagement time', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    assert.deepEqual(await caseRow(ctx.db.knex, kase.id), { status: 'assigned', first_engagement_at: null });
    assert.deepEqual(
      (await eventsOf(ctx.db.knex, kase.id, 'case.status_changed')).map((e) => e.after?.status),
      ['assigned'],
    );
  });

  it('POST /engagements/:id, recording a scheduled one as delivered, moves the assigned case to in progress', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const form = engagementForm([consultant], { date: daysFromToday(-2) });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    const res = await postForm(agent, `/engagements/${id}`, { ...form, status: 'delivered', summary: 'Held as planned' });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const after = await caseRow(ctx.db.knex, kase.id);
    assert.equal(after.status, 'in_progress');
    assert.ok(after.first_engagement_at);
    const last = (await eventsOf(ctx.db.knex, kase.id)).at(-1);
    assert.deepEqual(last?.after, { status: 'in_progress', via: 'first delivered engagement' });
  });

  it('POST /cases/:id/status to completed, on a case in progress whose only delivered engagement was deleted, answers 409 and changes nothing', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant));
    assert.equal((await postForm(agent, `/engagements/${id}/delete`, { confirm: 'yes' })).status, 303);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
    const events = (await eventsOf(ctx.db.knex, kase.id)).length;
    const res = await postForm(agent, `/cases/${kase.id}/status`, complete);
    assert.equal(res.status, 409);
    assert.match(res.text, /only after at least one delivered engagement/);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
    assert.equal((await eventsOf(ctx.db.knex, kase.id)).length, events);
  });

  it('POST /cases/:id/status to completed, on a case with only a scheduled engagement, answers 409 and leaves it assigned', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    const res = await postForm(agent, `/cases/${kase.id}/status`, complete);
    assert.equal(res.status, 409);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
  });

  it('POST /cases/:id/status to completed, after a delivered engagement, completes the case', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant));
    const res = await postForm(agent, `/cases/${kase.id}/status`, complete);
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'completed');
    const last = (await eventsOf(ctx.db.knex, kase.id, 'case.status_changed')).at(-1);
    assert.deepEqual(last?.after, { status: 'completed', closing_summary: complete.closing_summary });
  });

  it('POST /cases/:id/status to completed, when the only delivered engagement was cancelled, answers 409 and changes nothing', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant));
    assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).status, 'cancelled');
    const res = await postForm(agent, `/cases/${kase.id}/status`, complete);
    assert.equal(res.status, 409);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
    // A new delivered engagement makes completion possible again.
    await addEngagement(ctx.db.knex, agent, kase.id, delivered(consultant));
    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'completed');
  });
});
