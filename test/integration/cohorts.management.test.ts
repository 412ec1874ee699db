import assert from 'node:assert/strict';
import request from 'supertest';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { escapeHtml, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import {
  Fields,
  MeetingPlan,
  applyTo,
  attendAs,
  client,
  cohortForm,
  daysFromToday,
  decideAs,
  listedJurisdictions,
  makeCohort,
  programState,
  today,
  unique,
} from '../helpers/programs';

describeEachEngine('Cohorts: opening and editing', (ctx) => {
  const { app } = testApp();

  it('GET /cohorts/new, for a director, shows the form with this year, a 30-day window and four meeting slots', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const res = await d.get('/cohorts/new');
    assert.equal(res.status, 200);
    assert.equal(shownValue(res.text, 'year'), today().slice(0, 4));
    assert.equal(shownValue(res.text, 'opens_on'), today());
    assert.equal(shownValue(res.text, 'closes_on'), daysFromToday(30));
    for (const n of [1, 2, 3, 4])
      assert.equal(shownValue(res.text, `meeting_${n}_duration_minutes`), '90', `meeting ${n} has a default length`);
    assert.match(res.text, /name="_csrf" value="[^"]+"/);
  });

  it('POST /cohorts, with a valid form and two meetings, stores the cohort, opens its assigned cohort-track case with a scheduled engagement a meeting, and redirects 303 to the cohort page', async () => {
    const director = await makeUser({ role: 'director' });
    const d = await client(app, director);
    const form = cohortForm({ name: unique('Spring cohort') }, [
      { date: daysFromToday(20), start_time: '13:00', duration_minutes: 120, mode: 'virtual', place: 'Zoom' },
      { date: daysFromToday(40), duration_minutes: 360, mode: 'in_person', place: 'Alexandria, Virginia' },
    ]);
    const res = await d.post('/cohorts', form);
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const cohort = await ctx.db.knex('cohorts').where({ name: form.name }).first();
    assert.ok(cohort);
    assert.equal(res.headers.location, `/cohorts/${cohort.id}?saved=1`);
    assert.deepEqual([Number(cohort.year), cohort.opens_on, cohort.closes_on], [Number(form.year), form.opens_on, form.closes_on]);

    const kase = await ctx.db.knex('cases').where({ id: cohort.case_id }).first();
    assert.deepEqual(
      {
        track: kase.track,
        source: kase.source,
        status: kase.status,
        jurisdiction: kase.jurisdiction_code,
        lead: Number(kase.lead_consultant_id),
        email: kase.requester_email,
        title: kase.title,
      },
      {
        track: 'cohort',
        source: 'staff',
        status: 'assigned',
        jurisdiction: 'DC',
        lead: director.id,
        email: director.email,
        title: `National Cohort ${form.year}: ${form.name}`,
      },
    );
    assert.match(kase.reference, /^TA-\d{4}-\d{4}$/);

    const meetings = await ctx.db
      .knex('cohort_meetings as m')
      .join('engagements as e', 'e.id', 'm.engagement_id')
      .where('m.cohort_id', cohort.id)
      .orderBy('m.number')
      .select('m.*', 'e.case_id', 'e.date', 'e.start_time', 'e.duration_minutes', 'e.status', 'e.participant_count', 'e.format', 'e.year');
    assert.deepEqual(
      meetings.map((m: Record<string, unknown>) => [
        Number(m.number),
        Number(m.case_id),
        m.date,
        m.start_time,
        Number(m.duration_minutes),
        m.status,
        Number(m.participant_count),
        m.format,
        m.mode,
        m.place,
      ]),
      [
        [1, Number(cohort.case_id), form.meeting_1_date, '13:00', 120, 'scheduled', 0, 'small_group', 'virtual', 'Zoom'],
        [2, Number(cohort.case_id), form.meeting_2_date, null, 360, 'scheduled', 0, 'small_group', 'in_person', 'Alexandria, Virginia'],
      ],
    );
    for (const m of meetings) {
      assert.deepEqual(await listedJurisdictions(ctx.db.knex, Number(m.engagement_id)), [], 'nobody has attended a scheduled meeting yet');
      const facilitators = await ctx.db.knex('engagement_consultants').where({ engagement_id: m.engagement_id }).select('user_id');
      assert.deepEqual(
        facilitators.map((f: { user_id: unknown }) => Number(f.user_id)),
        [director.id],
      );
    }
    const events = await ctx.db.knex('case_events').where({ case_id: cohort.case_id }).orderBy('id').select('kind', 'actor_user_id');
    assert.deepEqual(
      events.map((e: { kind: string }) => e.kind),
      ['case.created', 'engagement.added', 'engagement.added'],
    );
    assert.ok(events.every((e: { actor_user_id: unknown }) => Number(e.actor_user_id) === director.id));

    const page = await d.get(res.headers.location);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(escapeHtml(String(form.name))));
    assert.ok(page.text.includes(`/cohorts/${cohort.id}/apply`), 'the page gives the application form address');
    const casePage = await d.get(`/cases/${cohort.case_id}`);
    assert.equal(casePage.status, 200);
    assert.match(casePage.text, /<span class="usa-tag">National Cohort<\/span>/);
    assert.equal((casePage.text.match(/\/engagements\/\d+\/edit/g) ?? []).length, 2, 'the case page lists both meetings');
  });

  const invalid: { name: string; fields: Fields; field: string; message: RegExp }[] = [
    { name: 'a year that is not a number', fields: { year: 'next' }, field: 'year', message: /Year must be a whole number/ },
    { name: 'a year before the program', fields: { year: '2016' }, field: 'year', message: /Year must be between 2017/ },
    { name: 'no name', fields: { name: '   ' }, field: 'name', message: /Enter name of the cohort/ },
    { name: 'an opening date that is not a date', fields: { opens_on: '2027-02-30' }, field: 'opens_on', message: /must be a real date/ },
    {
      name: 'a window that closes before it opens',
      fields: { opens_on: daysFromToday(5), closes_on: daysFromToday(2) },
      field: 'closes_on',
      message: /on or after the date they open/,
    },
    {
      name: 'an in-person meeting without a place',
      fields: { meeting_1_mode: 'in_person', meeting_1_place: '' },
      field: 'meeting_1_place',
      message: /in-person meeting needs one/,
    },
    {
      name: 'a meeting place without a date',
      fields: { meeting_2_place: 'Denver' },
      field: 'meeting_2_date',
      message: /Enter meeting 2's date/,
    },
    {
      name: 'a meeting of 700 minutes',
      fields: { meeting_1_duration_minutes: '700' },
      field: 'meeting_1_duration_minutes',
      message: /between 5 and 600/,
    },
    {
      name: 'a meeting neither virtual nor in person',
      fields: { meeting_1_mode: 'by-post' },
      field: 'meeting_1_mode',
      message: /virtual or in person from the list/,
    },
    {
      name: 'a meeting dated without saying how it is held',
      fields: { meeting_1_mode: '' },
      field: 'meeting_1_mode',
      message: /Choose whether meeting 1 is virtual or in person/,
    },
    {
      name: 'a start time of 25:00',
      fields: { meeting_1_start_time: '25:00' },
      field: 'meeting_1_start_time',
      message: /meeting 1's start time/,
    },
  ];
  for (const c of invalid) {
    it(`POST /cohorts, with ${c.name}, answers 422 with the message at ${c.field}, keeps every value and stores nothing`, async () => {
      const d = await client(app, await makeUser({ role: 'director' }));
      const form = cohortForm(c.fields);
      const before = await programState(ctx.db.knex);
      const res = await d.post('/cohorts', form);
      assert.equal(res.status, 422);
      assert.match(res.text, /<title>Error: /);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.ok(summaryLinks(res.text).includes(c.field), 'the error summary links to the field');
      for (const [name, value] of Object.entries(form)) {
        // A choice that is not on the list cannot be shown as chosen.
        if (name.endsWith('_mode') && !['', 'virtual', 'in_person'].includes(String(value))) continue;
        assert.equal(shownValue(res.text, name) ?? '', value, `${name} keeps what was typed`);
      }
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts, sent twice with the same submission key, opens one cohort and answers both with its page', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const form = cohortForm({ idempotency_key: 'cohort-form-key-0001' });
    const first = await d.post('/cohorts', form);
    const second = await d.post('/cohorts', form);
    assert.equal(first.status, 303);
    assert.deepEqual([second.status, second.headers.location], [303, first.headers.location]);
    const [{ n }] = await ctx.db.knex('cohorts').where({ name: form.name }).count({ n: '*' });
    assert.equal(Number(n), 1);
    assert.match((await d.get('/cohorts/new')).text, /name="idempotency_key" value="[A-Za-z0-9_-]{40,}"/, 'the form carries a fresh key');
  });

  it('POST /cohorts, with a name already used that year, answers 422 at the name and stores nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const first = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    const res = await d.post('/cohorts', cohortForm({ name: first.name }));
    assert.equal(res.status, 422);
    assert.match(messageNextTo(res.text, 'name') ?? '', /already a cohort named/);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id, moving a meeting, adding one and clearing another, updates the engagements, renames the case and records each change on the timeline', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(10) }, { date: daysFromToday(20) }] });
    const d = await client(app, director);
    const since = Number((await ctx.db.knex('case_events').max({ m: 'id' }).first())?.m ?? 0);
    const name = unique('Renamed cohort');
    // Slot 1 moved and shortened, slot 2 cleared, slot 3 new.
    const slots = [
      { date: daysFromToday(11), duration_minutes: 60 },
      undefined,
      { date: daysFromToday(30), mode: 'in_person', place: 'Chicago' },
    ] as unknown as MeetingPlan[];
    const res = await d.post(`/cohorts/${cohort.id}`, cohortForm({ name, closes_on: daysFromToday(12) }, slots));
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const row = await ctx.db.knex('cohorts').where({ id: cohort.id }).first();
    assert.deepEqual([row.name, row.closes_on], [name, daysFromToday(12)]);
    const meetings = await ctx.db
      .knex('cohort_meetings as m')
      .join('engagements as e', 'e.id', 'm.engagement_id')
      .where('m.cohort_id', cohort.id)
      .orderBy('m.number')
      .select('m.number', 'm.engagement_id', 'e.date', 'e.duration_minutes', 'm.mode', 'm.place');
    assert.deepEqual(
      meetings.map((m: Record<string, unknown>) => [Number(m.number), m.date, Number(m.duration_minutes), m.mode, m.place]),
      [
        [1, daysFromToday(11), 60, 'virtual', 'Zoom'],
        [3, daysFromToday(30), 90, 'in_person', 'Chicago'],
      ],
    );
    assert.equal(Number(meetings[0].engagement_id), cohort.meetings[0].engagement_id, 'the first meeting keeps its engagement');
    assert.equal(
      await ctx.db.knex('engagements').where({ id: cohort.meetings[1].engagement_id }).first(),
      undefined,
      'the cleared meeting is gone',
    );
    const kase = await ctx.db.knex('cases').where({ id: cohort.caseId }).first();
    assert.equal(kase.title, `National Cohort ${row.year}: ${name}`);
    const events = await ctx.db
      .knex('case_events')
      .where({ case_id: cohort.caseId })
      .andWhere('id', '>', since)
      .orderBy('id')
      .select('kind', 'after_json', 'before_json');
    assert.deepEqual(
      events.map((e: { kind: string }) => e.kind),
      ['case.updated', 'engagement.updated', 'engagement.deleted', 'engagement.added'],
    );
    assert.deepEqual(JSON.parse(events[1].after_json), {
      engagement_id: cohort.meetings[0].engagement_id,
      date: daysFromToday(11),
      duration_minutes: 60,
    });
  });

  it('POST /cohorts/:id, clearing a meeting whose attendance was taken or moving it into the future, answers 422 at that meeting and changes nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(-3) }] });
    const a = await applyTo(cohort.id);
    await decideAs(director, cohort.id, a.id, 'selected');
    await attendAs(director, cohort.id, cohort.meetings[0].id, { [a.id]: 'present' });
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    const cleared = await d.post(
      `/cohorts/${cohort.id}`,
      cohortForm({ name: cohort.name, meeting_1_date: '', meeting_1_mode: '', meeting_1_place: '', meeting_1_start_time: '' }),
    );
    assert.equal(cleared.status, 422);
    assert.match(messageNextTo(cleared.text, 'meeting_1_date') ?? '', /attendance taken: it cannot be removed/);
    const moved = await d.post(`/cohorts/${cohort.id}`, cohortForm({ name: cohort.name }, [{ date: daysFromToday(5) }]));
    assert.equal(moved.status, 422);
    assert.match(messageNextTo(moved.text, 'meeting_1_date') ?? '', /cannot be moved into the future/);
    assert.equal(shownValue(moved.text, 'meeting_1_date'), daysFromToday(5), 'the typed date is kept');
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('GET /cohorts, for a director, lists every cohort; for anyone else only those open for applications, with a link to apply', async () => {
    const director = await makeUser({ role: 'director' });
    const open = await makeCohort(ctx.db.knex, { director });
    const closed = await makeCohort(ctx.db.knex, { director, form: { opens_on: daysFromToday(-60), closes_on: daysFromToday(-30) } });
    const upcoming = await makeCohort(ctx.db.knex, { director, form: { opens_on: daysFromToday(3), closes_on: daysFromToday(30) } });
    const { agent } = await client(app, await makeUser({ role: 'consultant' }));
    for (const res of [await request(app).get('/cohorts'), await agent.get('/cohorts')]) {
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(`href="/cohorts/${open.id}/apply"`));
      for (const other of [closed, upcoming]) assert.ok(!res.text.includes(escapeHtml(other.name)), `${other.name} is not listed`);
    }
    const mine = await (await client(app, director)).get('/cohorts');
    for (const c of [open, closed, upcoming])
      assert.ok(mine.text.includes(`href="/cohorts/${c.id}"`), `${c.name} is listed for the director`);
  });

  it('GET and POST on a cohort, for a consultant, answer 403 and change nothing; for an unknown cohort, 404', async () => {
    const cohort = await makeCohort(ctx.db.knex);
    const c = await client(app, await makeUser({ role: 'consultant' }));
    const before = await programState(ctx.db.knex);
    for (const path of [`/cohorts/${cohort.id}`, `/cohorts/${cohort.id}/edit`, '/cohorts/new', `/cohorts/${cohort.id}/applications`])
      assert.equal((await c.get(path)).status, 403, path);
    assert.equal((await c.post(`/cohorts/${cohort.id}`, cohortForm({ name: 'Taken over' }))).status, 403);
    assert.equal((await c.post('/cohorts', cohortForm())).status, 403);
    assert.equal(await programState(ctx.db.knex), before);
    const d = await client(app, await makeUser({ role: 'director' }));
    for (const path of [
      '/cohorts/999999',
      '/cohorts/999999/edit',
      '/cohorts/1e0',
      `/cohorts/${cohort.id}/meetings/999999/attendance`,
      `/cohorts/${cohort.id}/assignments/999999`,
    ]) {
      assert.equal((await d.get(path)).status, 404, path);
    }
  });

  it("GET /cohorts/:id/meetings/:mid/attendance, with another cohort's meeting, answers 404", async () => {
    const director = await makeUser({ role: 'director' });
    const one = await makeCohort(ctx.db.knex, { director });
    const other = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    assert.equal((await d.get(`/cohorts/${one.id}/meetings/${other.meetings[0].id}/attendance`)).status, 404);
    assert.equal((await d.get(`/cohorts/${other.id}/meetings/${other.meetings[0].id}/attendance`)).status, 200);
  });
});
