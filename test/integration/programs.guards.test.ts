import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { makeEvent } from '../helpers/programs-network';

describeEachEngine('Program cases and mail', (ctx) => {
  // Building an app turns notifications on, as in the running server.
  testApp();

  it("createCohort and createEvent, for the program's own cases, write no message to the outbox", async () => {
    const director = await makeUser({ role: 'director' });
    await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(10) }, { date: daysFromToday(20) }] });
    await makeEvent(director, daysFromToday(5));
    const cases = Number((await ctx.db.knex('cases').count({ n: '*' }))[0].n);
    assert.ok(cases >= 2, 'the cohort and the events case were opened');
    assert.equal(Number((await ctx.db.knex('outbox').count({ n: '*' }))[0].n), 0);
  });
});

describeEachEngine('Program engagements and the general engagement forms', (ctx) => {
  const { app } = testApp();

  it("POST /engagements/:id, /delete and POST /cases/:id/engagements, on a cohort's meeting or case, answer 409 and change nothing", async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(10) }] });
    const meeting = cohort.meetings[0].engagement_id;
    const before = await ctx.db.knex('engagements').where({ case_id: cohort.caseId }).orderBy('id');
    const d = await signInAs(app, director);
    const token = await d.csrf('/account/password');
    const fields = {
      _csrf: token,
      status: 'scheduled',
      date: daysFromToday(11),
      duration_minutes: '60',
      format: 'small_group',
      consultant_ids: [String(director.id)],
      participant_count: '3',
      jurisdictions: ['OH'],
    };
    for (const path of [`/engagements/${meeting}`, `/engagements/${meeting}/delete`, `/cases/${cohort.caseId}/engagements`]) {
      const res = await d.post(path).type('form').send(encodeForm(fields));
      assert.equal(res.status, 409, path);
    }
    assert.deepEqual(await ctx.db.knex('engagements').where({ case_id: cohort.caseId }).orderBy('id'), before);
  });
});
