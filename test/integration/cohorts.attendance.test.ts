import assert from 'node:assert/strict';
import { zonedToUtc } from '../../server/services/time';
import { testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, ZONE, client, daysFromToday } from '../helpers/programs';
import { attendAs, makeCohort } from '../helpers/programs-cohorts';
import { TestApplication, applyTo, decideAs } from '../helpers/programs-applications';
import { listedJurisdictions, programState } from '../helpers/programs-state';

type Mark = 'present' | 'excused' | 'absent';

/** A cohort of three past meetings with four selected participants and one waitlisted applicant. */
async function cohortWithRoster(knex: Parameters<typeof makeCohort>[0], director: TestUser) {
  const cohort = await makeCohort(knex, {
    director,
    meetings: [
      { date: daysFromToday(-10), start_time: '10:00', duration_minutes: 120 },
      { date: daysFromToday(-5), duration_minutes: 90, mode: 'in_person', place: 'Chicago' },
      { date: daysFromToday(-1), duration_minutes: 60 },
    ],
  });
  const p1 = await applyTo(cohort.id, { name: 'Pat One', jurisdiction: 'OH' });
  const p2 = await applyTo(cohort.id, { name: 'Pat Two', jurisdiction: 'OH' });
  const p3 = await applyTo(cohort.id, { name: 'Pat Three', jurisdiction: 'KY' });
  const p4 = await applyTo(cohort.id, { name: 'Pat Four', jurisdiction: 'NM' });
  const q = await applyTo(cohort.id, { name: 'Quinn Waiting', jurisdiction: 'TX' });
  for (const p of [p1, p2, p3, p4]) await decideAs(director, cohort.id, p.id, 'selected');
  await decideAs(director, cohort.id, q.id, 'waitlisted');
  return { cohort, p: [p1, p2, p3, p4] as TestApplication[], q };
}

const attendanceForm = (marks: [TestApplication, Mark | undefined][], summary = 'Read and discussed the first case study.'): Fields => ({
  summary,
  ...Object.fromEntries(marks.map(([p, m]) => [`attendance_${p.id}`, m])),
});

describeEachEngine('Cohorts: attendance, assignments and completion', (ctx) => {
  const { app } = testApp();

  it("POST /cohorts/:id/meetings/:mid/attendance, with a mark for each participant, makes the meeting's engagement delivered, listing and counting those present, and redirects 303", async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    const res = await d.post(
      `/cohorts/${cohort.id}/meetings/${cohort.meetings[0].id}/attendance`,
      attendanceForm([
        [p[0], 'present'],
        [p[1], 'present'],
        [p[2], 'absent'],
        [p[3], 'excused'],
      ]),
    );
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    assert.equal(res.headers.location, `/cohorts/${cohort.id}?saved=1#roster`);
    const e = await ctx.db.knex('engagements').where({ id: cohort.meetings[0].engagement_id }).first();
    assert.deepEqual([e.status, Number(e.participant_count), e.summary], ['delivered', 2, 'Read and discussed the first case study.']);
    assert.deepEqual(await listedJurisdictions(ctx.db.knex, cohort.meetings[0].engagement_id), [
      { code: 'OH', status: 'delivered', date: daysFromToday(-10), year: Number(daysFromToday(-10).slice(0, 4)) },
    ]);
    const attendees = await ctx.db
      .knex('engagement_attendees')
      .where({ engagement_id: e.id })
      .orderBy('name')
      .select('name', 'jurisdiction_code');
    assert.deepEqual(
      attendees.map((a: { name: string; jurisdiction_code: string }) => [a.name, a.jurisdiction_code]),
      [
        ['Pat One', 'OH'],
        ['Pat Two', 'OH'],
      ],
    );
    const marks = await ctx.db
      .knex('meeting_attendances')
      .where({ cohort_meeting_id: cohort.meetings[0].id })
      .orderBy('application_id')
      .select('application_id', 'status');
    assert.deepEqual(
      marks.map((m: { application_id: unknown; status: string }) => [Number(m.application_id), m.status]),
      [
        [p[0].id, 'present'],
        [p[1].id, 'present'],
        [p[2].id, 'absent'],
        [p[3].id, 'excused'],
      ],
    );
  });

  it("POST /cohorts/:id/meetings/:mid/attendance, the first time, records the change on the cohort case's timeline and moves the case to in progress from the meeting's start", async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    const since = Number((await ctx.db.knex('case_events').max({ m: 'id' }).first())?.m ?? 0);
    assert.equal(
      (await d.post(`/cohorts/${cohort.id}/meetings/${cohort.meetings[0].id}/attendance`, attendanceForm(p.map((x) => [x, 'present']))))
        .status,
      303,
    );
    const events = await ctx.db
      .knex('case_events')
      .where({ case_id: cohort.caseId })
      .andWhere('id', '>', since)
      .orderBy('id')
      .select('kind', 'before_json', 'after_json');
    assert.deepEqual(
      events.map((e: { kind: string }) => e.kind),
      ['engagement.updated', 'case.status_changed'],
    );
    const after = JSON.parse(events[0].after_json);
    assert.deepEqual([after.status, after.participant_count, after.jurisdictions], ['delivered', 4, ['KY', 'NM', 'OH']]);
    assert.deepEqual(JSON.parse(events[0].before_json).status, 'scheduled');
    const kase = await ctx.db.knex('cases').where({ id: cohort.caseId }).first();
    assert.equal(kase.status, 'in_progress');
    assert.equal(new Date(kase.first_engagement_at).toISOString(), zonedToUtc(daysFromToday(-10), '10:00', ZONE).toISOString());
  });

  it('POST /cohorts/:id/meetings/:mid/attendance, taken again with other marks, replaces the listed jurisdictions and the count', async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    const url = `/cohorts/${cohort.id}/meetings/${cohort.meetings[1].id}/attendance`;
    assert.equal((await d.post(url, attendanceForm(p.map((x) => [x, 'present'])))).status, 303);
    assert.equal(
      (
        await d.post(
          url,
          attendanceForm(
            [
              [p[0], 'absent'],
              [p[1], 'absent'],
              [p[2], 'present'],
              [p[3], 'excused'],
            ],
            'Corrected.',
          ),
        )
      ).status,
      303,
    );
    const e = await ctx.db.knex('engagements').where({ id: cohort.meetings[1].engagement_id }).first();
    assert.deepEqual([e.status, Number(e.participant_count), e.summary], ['delivered', 1, 'Corrected.']);
    assert.deepEqual(
      (await listedJurisdictions(ctx.db.knex, e.id)).map((j) => j.code),
      ['KY'],
    );
    const page = await d.get(url);
    assert.deepEqual(checkedValues(page.text, `attendance_${p[2].id}`), ['present'], 'the form shows the marks saved');
    assert.deepEqual(checkedValues(page.text, `attendance_${p[3].id}`), ['excused']);
  });

  it("GET /cohorts/:id, on a three-meeting fixture, shows each participant's marks, meetings attended and assignments completed, and that only the one present at every meeting with every assignment done completed the course", async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const [m1, m2, m3] = cohort.meetings;
    // P1: every meeting and both assignments (completes). P2: every meeting, one assignment.
    // P3: misses meeting 1, both assignments. P4: excused, present, absent; no assignment.
    await attendAs(director, cohort.id, m1.id, { [p[0].id]: 'present', [p[1].id]: 'present', [p[2].id]: 'absent', [p[3].id]: 'excused' });
    await attendAs(director, cohort.id, m2.id, { [p[0].id]: 'present', [p[1].id]: 'present', [p[2].id]: 'present', [p[3].id]: 'present' });
    await attendAs(director, cohort.id, m3.id, { [p[0].id]: 'present', [p[1].id]: 'present', [p[2].id]: 'present', [p[3].id]: 'absent' });
    const d = await client(app, director);
    for (const [title, due] of [
      ['Reading one', daysFromToday(-4)],
      ['Policy memo', daysFromToday(3)],
    ])
      assert.equal((await d.post(`/cohorts/${cohort.id}/assignments`, { title, due_on: due })).status, 303);
    const [s1, s2] = (await ctx.db.knex('cohort_assignments').where({ cohort_id: cohort.id }).orderBy('due_on').select('id')).map(
      (r: { id: unknown }) => Number(r.id),
    );
    assert.equal(
      (await d.post(`/cohorts/${cohort.id}/assignments/${s1}`, { completed: [p[0], p[1], p[2]].map((x) => String(x.id)) })).status,
      303,
    );
    assert.equal(
      (await d.post(`/cohorts/${cohort.id}/assignments/${s2}`, { completed: [p[0], p[2]].map((x) => String(x.id)) })).status,
      303,
    );

    const expected = [
      ['Pat Four', 'New Mexico', ['Excused', 'Present', 'Absent'], '1 of 3', '0 of 2', 'No'],
      ['Pat One', 'Ohio', ['Present', 'Present', 'Present'], '3 of 3', '2 of 2', '<strong>Yes</strong>'],
      ['Pat Three', 'Kentucky', ['Absent', 'Present', 'Present'], '2 of 3', '2 of 2', 'No'],
      ['Pat Two', 'Ohio', ['Present', 'Present', 'Present'], '3 of 3', '1 of 2', 'No'],
    ];
    const html = (await d.get(`/cohorts/${cohort.id}`)).text;
    const rows = [
      ...html.matchAll(
        /<th scope="row" data-label="Participant">([^<]*)<\/th>\s*<td data-label="State">([^<]*)<\/td>\s*((?:<td data-label="Meeting \d">[^<]*<\/td>)+)\s*<td data-label="Meetings attended">([^<]*)<\/td>\s*<td data-label="Assignments completed">([^<]*)<\/td>\s*<td data-label="Completed the course">(.*?)<\/td>/g,
      ),
    ].map((m) => [m[1], m[2], [...m[3].matchAll(/<td data-label="Meeting \d">([^<]*)<\/td>/g)].map((x) => x[1]), m[4], m[5], m[6]]);
    assert.deepEqual(rows, expected);
    assert.match(html, /4 participants; 1 completed the course\./);
    const engagements = await ctx.db
      .knex('engagements')
      .whereIn(
        'id',
        [m1, m2, m3].map((m) => m.engagement_id),
      )
      .orderBy('date')
      .select('id', 'participant_count');
    assert.deepEqual(
      engagements.map((e: { participant_count: unknown }) => Number(e.participant_count)),
      [2, 4, 3],
    );
    assert.deepEqual(
      await Promise.all([m1, m2, m3].map(async (m) => (await listedJurisdictions(ctx.db.knex, m.engagement_id)).map((j) => j.code))),
      [['OH'], ['KY', 'NM', 'OH'], ['KY', 'OH']],
    );
  });

  const invalid: {
    name: string;
    marks: (p: TestApplication[]) => [TestApplication, Mark | undefined][];
    summary?: string;
    field: (p: TestApplication[]) => string;
    message: RegExp;
  }[] = [
    {
      name: 'a participant left unmarked',
      marks: (p) => [
        [p[0], 'present'],
        [p[1], undefined],
        [p[2], 'absent'],
        [p[3], 'absent'],
      ],
      field: (p) => `attendance_${p[1].id}`,
      message: /Choose present, excused or absent for Pat Two/,
    },
    {
      name: 'a mark that is not one of the three',
      marks: (p) => [
        [p[0], 'present'],
        [p[1], 'late' as Mark],
        [p[2], 'absent'],
        [p[3], 'absent'],
      ],
      field: (p) => `attendance_${p[1].id}`,
      message: /Choose present, excused or absent/,
    },
    {
      name: 'no summary notes',
      marks: (p) => p.map((x) => [x, 'present']),
      summary: '  ',
      field: () => 'summary',
      message: /Enter summary notes/,
    },
    {
      name: 'nobody present',
      marks: (p) => p.map((x) => [x, 'absent']),
      field: () => 'attendance',
      message: /Mark at least one participant present/,
    },
  ];
  for (const c of invalid) {
    it(`POST /cohorts/:id/meetings/:mid/attendance, with ${c.name}, answers 422 with the message at that field, keeps every mark and changes nothing`, async () => {
      const director = await makeUser({ role: 'director' });
      const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
      const d = await client(app, director);
      const form = attendanceForm(c.marks(p), c.summary);
      const before = await programState(ctx.db.knex);
      const res = await d.post(`/cohorts/${cohort.id}/meetings/${cohort.meetings[0].id}/attendance`, form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, c.field(p)) ?? '', c.message);
      assert.ok(summaryLinks(res.text).includes(c.field(p)));
      for (const [x, mark] of c.marks(p))
        assert.deepEqual(
          checkedValues(res.text, `attendance_${x.id}`),
          mark && ['present', 'excused', 'absent'].includes(mark) ? [mark] : [],
          `${x.id}'s mark is kept`,
        );
      assert.equal(shownValue(res.text, 'summary'), form.summary);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts/:id/meetings/:mid/attendance, for a meeting more than a day ahead, answers 409 and changes nothing, and the page says so without a form', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(5) }] });
    const a = await applyTo(cohort.id);
    await decideAs(director, cohort.id, a.id, 'selected');
    const d = await client(app, director);
    const url = `/cohorts/${cohort.id}/meetings/${cohort.meetings[0].id}/attendance`;
    const before = await programState(ctx.db.knex);
    assert.equal((await d.post(url, { summary: 'Early', [`attendance_${a.id}`]: 'present' })).status, 409);
    assert.equal(await programState(ctx.db.knex), before);
    const page = await d.get(url);
    assert.match(page.text, /Attendance can be taken from the day of the meeting/);
    assert.ok(!page.text.includes(`action="${url}"`));
  });

  it('POST /cohorts/:id/meetings/:mid/attendance, with nobody on the roster yet, answers 409 and changes nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director });
    const a = await applyTo(cohort.id);
    await decideAs(director, cohort.id, a.id, 'waitlisted');
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    const res = await d.post(`/cohorts/${cohort.id}/meetings/${cohort.meetings[0].id}/attendance`, {
      summary: 'Nobody',
      [`attendance_${a.id}`]: 'present',
    });
    assert.equal(res.status, 409);
    assert.match(res.text, /Nobody is on the roster yet/);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/meetings/:mid/attendance, for a meeting cancelled on its case, answers 409 and changes nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    assert.equal((await d.post(`/engagements/${cohort.meetings[2].engagement_id}/cancel`, { confirm: 'yes' })).status, 303);
    const before = await programState(ctx.db.knex);
    assert.equal(
      (await d.post(`/cohorts/${cohort.id}/meetings/${cohort.meetings[2].id}/attendance`, attendanceForm(p.map((x) => [x, 'present']))))
        .status,
      409,
    );
    assert.equal(await programState(ctx.db.knex), before);
  });

  for (const [name, fields, field, message] of [
    ['no title', { title: '', due_on: '2027-03-01' }, 'title', /Enter title of the assignment/],
    ['no due date', { title: 'Reading', due_on: '' }, 'due_on', /Enter due date/],
    ['a due date that is not a date', { title: 'Reading', due_on: '2027-13-01' }, 'due_on', /Due date must be a real date/],
  ] as const) {
    it(`POST /cohorts/:id/assignments, with ${name}, answers 422 with the message at ${field}, keeps the values and adds nothing`, async () => {
      const director = await makeUser({ role: 'director' });
      const cohort = await makeCohort(ctx.db.knex, { director });
      const d = await client(app, director);
      const before = await programState(ctx.db.knex);
      const res = await d.post(`/cohorts/${cohort.id}/assignments`, fields);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, field) ?? '', message);
      assert.equal(shownValue(res.text, 'title'), fields.title);
      assert.equal(shownValue(res.text, 'due_on'), fields.due_on);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts/:id/assignments, sent twice with the same submission key from the cohort page, adds the assignment once', async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    const key = /name="idempotency_key" value="([A-Za-z0-9_-]+)"/.exec((await d.get(`/cohorts/${cohort.id}`)).text)?.[1];
    assert.ok(key, 'the cohort page gives the form a key');
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await d.post(`/cohorts/${cohort.id}/assignments`, { title: 'Reading', due_on: daysFromToday(4), idempotency_key: key })).status,
        303,
      );
    const [{ n }] = await ctx.db.knex('cohort_assignments').where({ cohort_id: cohort.id }).count({ n: '*' });
    assert.equal(Number(n), 1);
  });

  it('POST /cohorts/:id/assignments/:asid, with some participants checked, records exactly them; saving again with one unchecked removes that one', async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    assert.equal((await d.post(`/cohorts/${cohort.id}/assignments`, { title: 'Memo', due_on: daysFromToday(2) })).status, 303);
    const asid = Number((await ctx.db.knex('cohort_assignments').where({ cohort_id: cohort.id }).first('id')).id);
    const done = async () =>
      (
        await ctx.db.knex('assignment_completions').where({ cohort_assignment_id: asid }).orderBy('application_id').select('application_id')
      ).map((r: { application_id: unknown }) => Number(r.application_id));
    assert.equal(
      (await d.post(`/cohorts/${cohort.id}/assignments/${asid}`, { completed: [String(p[0].id), String(p[2].id)] })).status,
      303,
    );
    assert.deepEqual(await done(), [p[0].id, p[2].id]);
    assert.deepEqual(
      checkedValues((await d.get(`/cohorts/${cohort.id}/assignments/${asid}`)).text, 'completed').sort(),
      [String(p[0].id), String(p[2].id)].sort(),
    );
    assert.equal((await d.post(`/cohorts/${cohort.id}/assignments/${asid}`, { completed: [String(p[2].id)] })).status, 303);
    assert.deepEqual(await done(), [p[2].id]);
  });

  it('POST /cohorts/:id/assignments/:asid, naming someone who is not on the roster, answers 422 at the list, keeps the choices and changes nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const { cohort, p, q } = await cohortWithRoster(ctx.db.knex, director);
    const d = await client(app, director);
    assert.equal((await d.post(`/cohorts/${cohort.id}/assignments`, { title: 'Memo', due_on: daysFromToday(2) })).status, 303);
    const asid = Number((await ctx.db.knex('cohort_assignments').where({ cohort_id: cohort.id }).first('id')).id);
    const before = await programState(ctx.db.knex);
    const res = await d.post(`/cohorts/${cohort.id}/assignments/${asid}`, { completed: [String(p[0].id), String(q.id)] });
    assert.equal(res.status, 422);
    assert.match(messageNextTo(res.text, 'completed') ?? '', /Choose participants from the roster/);
    assert.deepEqual(checkedValues(res.text, 'completed'), [String(p[0].id)]);
    assert.equal(await programState(ctx.db.knex), before);
  });
});
