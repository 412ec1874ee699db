// A cohort's assignments: adding one (refused without a title or a real due date, once for a repeated
// submission) and recording who completed it, from the roster only.
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue } from '../helpers/html';
import { client, daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { programState } from '../helpers/programs-state';
import { cohortWithRoster } from '../helpers/cohorts-attendance';

describeEachEngine('Cohorts: attendance, assignments and completion', (ctx) => {
  const { app } = testApp();

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
