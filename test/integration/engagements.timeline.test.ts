import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import {
  Fields,
  addEngagement,
  checked,
  daysFromToday,
  engagementForm,
  eventsOf,
  fieldValue,
  jurisdictionRows,
  makeCase,
  postForm,
  staffAgent,
} from '../helpers/engagements';

describeEachEngine('Engagement timeline and stored rows', (ctx) => {
  const { app, config } = testApp();

  async function consultantOnCase() {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    return { consultant, kase, agent };
  }

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
    const { consultant, kase, agent } = await consultantOnCase();
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
    const { consultant, kase, agent } = await consultantOnCase();
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
    const { consultant, kase, agent } = await consultantOnCase();
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

  it('GET /engagements/:id/edit, posted back unchanged, shows every value as stored and records no change', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const summary = 'First line of the notes\nSecond line, indented by nobody\nThird line';
    const attendees = 'Ann Lee, Board member, OH\nBo Diaz, Staff, KY\nCy Park';
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        status: 'delivered',
        date: daysFromToday(-3),
        summary,
        attendees,
        follow_up_actions: 'Call back\nSend notes',
        jurisdictions: ['OH', 'KY'],
      }),
    );
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.equal(fieldValue(edit.text, 'summary'), summary);
    assert.equal(fieldValue(edit.text, 'attendees'), attendees);
    assert.equal(fieldValue(edit.text, 'follow_up_actions'), 'Call back\nSend notes');
    assert.deepEqual(checked(edit.text, 'jurisdictions'), ['KY', 'OH']);
    assert.deepEqual(checked(edit.text, 'status'), ['delivered']);
    const back: Fields = {};
    for (const name of [
      'date',
      'start_time',
      'duration_minutes',
      'participant_count',
      'attendees',
      'summary',
      'follow_up_actions',
      'follow_up_date',
    ])
      back[name] = fieldValue(edit.text, name);
    for (const name of ['status', 'format', 'consultant_ids', 'jurisdictions', 'topics']) back[name] = checked(edit.text, name);
    const res = await postForm(agent, `/engagements/${id}`, back);
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, 'engagement.updated'), []);
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).summary, summary);
  });

  it('GET /engagements/:id/edit, posted back unchanged after a facilitator was deactivated, keeps that facilitator on the engagement', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const leaver = await makeUser({ role: 'consultant', name: 'Leaving Consultant' });
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant, leaver], { status: 'delivered', date: daysFromToday(-3), summary: 'Held' }),
    );
    await ctx.db.knex('users').where({ id: leaver.id }).update({ active: false });
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.deepEqual(
      checked(edit.text, 'consultant_ids')
        .map(Number)
        .sort((a, b) => a - b),
      [consultant.id, leaver.id].sort((a, b) => a - b),
    );
    const back: Fields = {};
    for (const name of ['date', 'start_time', 'duration_minutes', 'participant_count', 'attendees', 'follow_up_actions', 'follow_up_date'])
      back[name] = fieldValue(edit.text, name);
    for (const name of ['status', 'format', 'consultant_ids', 'jurisdictions', 'topics']) back[name] = checked(edit.text, name);
    const res = await postForm(agent, `/engagements/${id}`, { ...back, summary: 'Held, with a corrected note' });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const kept = await ctx.db.knex('engagement_consultants').where({ engagement_id: id }).select('user_id');
    assert.deepEqual(
      kept.map((r) => Number(r.user_id)).sort((a, b) => a - b),
      [consultant.id, leaver.id].sort((a, b) => a - b),
    );
    const [updated] = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.deepEqual(Object.keys(updated.after ?? {}).sort(), ['engagement_id', 'summary']);
  });

  it('GET /engagements/:id/edit, with markup in the attendees and summary, shows it as text, not as markup', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { attendees: '<script>alert(1)</script>, OH', summary: '<img src=x onerror=alert(2)>' }),
    );
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.ok(!edit.text.includes('<script>alert(1)') && !edit.text.includes('<img src=x'), 'markup is written unescaped');
    assert.equal(fieldValue(edit.text, 'attendees'), '<script>alert(1)</script>, OH');
    assert.equal(fieldValue(edit.text, 'summary'), '<img src=x onerror=alert(2)>');
  });

  it('POST /engagements/:id/cancel, on a scheduled engagement, keeps the row, marks it and its jurisdictions cancelled and records the status change', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
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
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
    const again = await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' });
    assert.equal(again.status, 303);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'engagement.updated')).length, 1);
  });

  it('POST /engagements/:id/delete, removes the engagement and all its rows and records the before snapshot', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
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

  it('POST /cases/:id/engagements, stores the year and month of the date on the engagement and its jurisdiction rows', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: '2031-11-04', jurisdictions: ['OH', 'MI'] }),
    );
    const row = await ctx.db.knex('engagements').where({ id }).first();
    assert.deepEqual([Number(row.year), Number(row.month)], [2031, 11]);
    assert.deepEqual(await jurisdictionRows(ctx.db.knex, id), [
      { jurisdiction_code: 'MI', status: 'scheduled', date: '2031-11-04', year: 2031 },
      { jurisdiction_code: 'OH', status: 'scheduled', date: '2031-11-04', year: 2031 },
    ]);
  });

  it('POST /engagements/:id, changing the date and the status, moves the stored buckets and the jurisdiction rows with them', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const form = engagementForm([consultant], { date: '2031-11-04', jurisdictions: ['OH', 'MI'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    const past = daysFromToday(-40);
    const res = await postForm(agent, `/engagements/${id}`, {
      ...form,
      date: past,
      status: 'delivered',
      summary: 'Done',
      jurisdictions: ['OH', 'MI', 'IN'],
    });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const row = await ctx.db.knex('engagements').where({ id }).first();
    const [y, m] = past.split('-').map(Number);
    assert.deepEqual([row.date, Number(row.year), Number(row.month), row.status], [past, y, m, 'delivered']);
    assert.deepEqual(
      await jurisdictionRows(ctx.db.knex, id),
      ['IN', 'MI', 'OH'].map((code) => ({ jurisdiction_code: code, status: 'delivered', date: past, year: y })),
    );
    const [updated] = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.deepEqual(Object.keys(updated.after ?? {}).sort(), ['date', 'engagement_id', 'jurisdictions', 'status', 'summary']);
    assert.deepEqual(updated.before, {
      engagement_id: id,
      date: '2031-11-04',
      status: 'scheduled',
      summary: null,
      jurisdictions: ['MI', 'OH'],
    });
  });

  it('POST /engagements/:id, with status cancelled in the form, marks the jurisdiction rows cancelled', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const form = engagementForm([consultant], { jurisdictions: ['OH', 'KY'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    assert.equal((await postForm(agent, `/engagements/${id}`, { ...form, status: 'cancelled' })).status, 303);
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => r.status),
      ['cancelled', 'cancelled'],
    );
  });

  it('POST /cases/:id/engagements, for a program case with 6 states and 10 pasted attendees, stores them all', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const states = ['OH', 'KY', 'IN', 'MI', 'PA', 'WV'];
    const lines = [
      'Ann Lee, Board member, Ohio',
      'Bo Diaz\tStaff\tKY',
      'Cy Park, Chair, Board of Education, Indiana',
      'Dee Ray, MI',
      'Ed Stone, Policy director, Pennsylvania',
      'Fay Wong, Board member, West Virginia',
      'Gus Holm, Board member, oh',
      'Hal Ito',
      'Ida Cruz, Executive director',
      'Jo Kim\tBoard member\tWest Virginia',
    ];
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        format: 'online_training',
        participant_count: '24',
        jurisdictions: states,
        attendees: lines.join('\r\n'),
      }),
    );
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => r.jurisdiction_code),
      [...states].sort(),
    );
    const attendees = await ctx.db
      .knex('engagement_attendees')
      .where({ engagement_id: id })
      .orderBy('id')
      .select('name', 'role', 'jurisdiction_code');
    assert.deepEqual(attendees, [
      { name: 'Ann Lee', role: 'Board member', jurisdiction_code: 'OH' },
      { name: 'Bo Diaz', role: 'Staff', jurisdiction_code: 'KY' },
      { name: 'Cy Park', role: 'Chair, Board of Education', jurisdiction_code: 'IN' },
      { name: 'Dee Ray', role: null, jurisdiction_code: 'MI' },
      { name: 'Ed Stone', role: 'Policy director', jurisdiction_code: 'PA' },
      { name: 'Fay Wong', role: 'Board member', jurisdiction_code: 'WV' },
      { name: 'Gus Holm', role: 'Board member', jurisdiction_code: 'OH' },
      { name: 'Hal Ito', role: null, jurisdiction_code: null },
      { name: 'Ida Cruz', role: 'Executive director', jurisdiction_code: null },
      { name: 'Jo Kim', role: 'Board member', jurisdiction_code: 'WV' },
    ]);
    const caseHtml = await agent.get(`/cases/${kase.id}`);
    assert.equal(caseHtml.status, 200);
    assert.match(caseHtml.text, /Indiana, Kentucky, Michigan, Ohio, Pennsylvania, West Virginia/);
  });
});
