// Attendance the app refuses: an incomplete or wrong form (422, every mark kept), and a meeting too
// far ahead, without a roster, or cancelled (409); none of them changes anything.
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { client, daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { TestApplication, applyTo, decideAs } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';
import { Mark, attendanceForm, cohortWithRoster } from '../helpers/cohorts-attendance';

describeEachEngine('Cohorts: attendance, assignments and completion', (ctx) => {
  const { app } = testApp();

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
});
