// Taking attendance at a cohort meeting: the meeting's engagement becomes delivered with those
// present listed and counted, the cohort case moves on, and taking it again replaces the marks.
import assert from 'node:assert/strict';
import { zonedToUtc } from '../../server/services/time';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues } from '../helpers/html';
import { ZONE, client, daysFromToday } from '../helpers/programs';
import { listedJurisdictions } from '../helpers/programs-state';
import { attendanceForm, cohortWithRoster } from '../helpers/cohorts-attendance';

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
});
