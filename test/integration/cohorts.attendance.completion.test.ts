// The cohort page's roster: each participant's marks, meetings attended and assignments completed,
// and who completed the course.
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { client, daysFromToday } from '../helpers/programs';
import { attendAs } from '../helpers/programs-cohorts';
import { listedJurisdictions } from '../helpers/programs-state';
import { cohortWithRoster } from '../helpers/cohorts-attendance';

describeEachEngine('Cohorts: attendance, assignments and completion', (ctx) => {
  const { app } = testApp();

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
});
