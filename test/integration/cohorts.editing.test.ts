import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { messageNextTo, shownValue } from '../helpers/html';
import { client, daysFromToday, unique } from '../helpers/programs';
import { MeetingPlan, attendAs, cohortForm, makeCohort } from '../helpers/programs-cohorts';
import { applyTo, decideAs } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';

describeEachEngine('Cohorts: opening and editing', (ctx) => {
  const { app } = testApp();

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
});
