import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { consultantOnCase } from '../helpers/engagement-case';
import { addEngagement, daysFromToday, engagementForm, eventsOf, jurisdictionRows, postForm } from '../helpers/engagements';

describeEachEngine('Engagement timeline and stored rows: events of adding, changing, cancelling and deleting', (ctx) => {
  const { app, config } = testApp();

  /** Every table an engagement has rows in, with how many rows it has for this engagement. */
  async function rowCounts(id: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    out.engagements = Number((await ctx.db.knex('engagements').where({ id }).count({ n: '*' }))[0].n);
    for (const table of ['engagement_consultants', 'engagement_jurisdictions', 'engagement_topics', 'engagement_attendees']) {
      out[table] = Number((await ctx.db.knex(table).where({ engagement_id: id }).count({ n: '*' }))[0].n);
    }
    return out;
  }

  it('POST /cases/:id/engagements, with a full form, adds an engagement.added event with the after snapshot', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const second = await makeUser({ role: 'consultant' });
    const date = daysFromToday(5);
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([second, consultant], {
        date,
        start_time: '13:30',
        duration_minutes: '75',
        format: 'online_training',
        participant_count: '4',
        jurisdictions: ['OH', 'KY'],
        topics: ['board-governance', 'equity-lens'],
        attendees: 'Ann Lee, Board member, OH\nBo Diaz, Staff, Kentucky',
        follow_up_actions: 'Send the slides',
        follow_up_date: daysFromToday(9),
      }),
    );
    const events = await eventsOf(ctx.db.knex, kase.id, 'engagement.added');
    assert.equal(events.length, 1);
    assert.equal(events[0].actor_user_id, consultant.id);
    assert.equal(events[0].before, null);
    assert.deepEqual(events[0].after, {
      engagement_id: id,
      date,
      start_time: '13:30',
      duration_minutes: 75,
      format: 'online_training',
      status: 'scheduled',
      participant_count: 4,
      consultant_ids: [consultant.id, second.id].sort((a, b) => a - b),
      jurisdictions: ['KY', 'OH'],
      topics: ['board-governance', 'equity-lens'],
      attendees: [
        { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
        { name: 'Bo Diaz', role: 'Staff', jurisdiction: 'KY' },
      ],
      summary: null,
      follow_up_actions: 'Send the slides',
      follow_up_date: daysFromToday(9),
      location: null,
      meeting_url: null,
    });
  });

  it('POST /engagements/:id, changing the duration and re-ordering the jurisdictions, records only the duration before and after', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const form = engagementForm([consultant], { jurisdictions: ['OH', 'KY', 'IN'], topics: ['equity-lens', 'board-governance'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    const res = await postForm(agent, `/engagements/${id}`, {
      ...form,
      duration_minutes: '90',
      jurisdictions: ['KY', 'IN', 'OH'],
      topics: ['board-governance', 'equity-lens'],
    });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#engagements`);
    const events = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].before, { engagement_id: id, duration_minutes: 60 });
    assert.deepEqual(events[0].after, { engagement_id: id, duration_minutes: 90 });
    assert.equal(events[0].actor_user_id, consultant.id);
    assert.equal(Number((await ctx.db.knex('engagements').where({ id }).first()).duration_minutes), 90);
  });

  it('POST /engagements/:id, with the same jurisdictions, consultants and topics in another order, records no change', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const other = await makeUser({ role: 'consultant' });
    const form = engagementForm([consultant, other], { jurisdictions: ['OH', 'KY', 'WV'], topics: ['equity-lens', 'board-governance'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    const res = await postForm(agent, `/engagements/${id}`, {
      ...form,
      consultant_ids: [String(other.id), String(consultant.id)],
      jurisdictions: ['WV', 'OH', 'KY'],
      topics: ['board-governance', 'equity-lens'],
    });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, 'engagement.updated'), []);
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => r.jurisdiction_code),
      ['KY', 'OH', 'WV'],
    );
  });

  it('POST /engagements/:id/cancel, on a scheduled engagement, keeps the row, marks it and its jurisdictions cancelled and records the status change', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { jurisdictions: ['OH', 'KY'] }));
    const res = await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#engagements`);
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).status, 'cancelled');
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => [r.jurisdiction_code, r.status]),
      [
        ['KY', 'cancelled'],
        ['OH', 'cancelled'],
      ],
    );
    const events = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].before, { engagement_id: id, status: 'scheduled' });
    assert.deepEqual(events[0].after, { engagement_id: id, status: 'cancelled' });
    assert.equal(events[0].actor_user_id, consultant.id);
  });

  it('POST /engagements/:id/cancel, on an engagement already cancelled, records nothing more', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
    const again = await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' });
    assert.equal(again.status, 303);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'engagement.updated')).length, 1);
  });

  it('POST /engagements/:id/delete, removes the engagement and all its rows and records the before snapshot', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        jurisdictions: ['OH', 'PA'],
        attendees: 'Ann Lee, Board member, OH\nBo Diaz, PA',
        topics: ['equity-lens', 'board-governance'],
        summary: 'Planned agenda',
      }),
    );
    assert.deepEqual(await rowCounts(id), {
      engagements: 1,
      engagement_consultants: 1,
      engagement_jurisdictions: 2,
      engagement_topics: 2,
      engagement_attendees: 2,
    });
    const [added] = await eventsOf(ctx.db.knex, kase.id, 'engagement.added');
    const res = await postForm(agent, `/engagements/${id}/delete`, { confirm: 'yes' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#engagements`);
    assert.deepEqual(await rowCounts(id), {
      engagements: 0,
      engagement_consultants: 0,
      engagement_jurisdictions: 0,
      engagement_topics: 0,
      engagement_attendees: 0,
    });
    const deleted = await eventsOf(ctx.db.knex, kase.id, 'engagement.deleted');
    assert.equal(deleted.length, 1);
    // What was added, and the calendar SEQUENCE its cancelling calendar file was sent with.
    assert.deepEqual(deleted[0].before, { ...added.after, sequence: 1 });
    assert.equal(deleted[0].after, null);
    assert.equal(deleted[0].actor_user_id, consultant.id);
    // The timeline keeps the earlier events: it is append-only.
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'engagement.added')).length, 1);
  });
});
