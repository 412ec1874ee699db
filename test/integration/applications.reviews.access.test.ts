// Who may open and score applications: the cohort's reviewers, set by a director; others get 404 or
// 403 and change nothing, and the signed-out get 401.
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { messageNextTo } from '../helpers/html';
import { client } from '../helpers/programs';
import { reviewForm } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';
import { blindScoring } from '../helpers/applications-reviews';

describeEachEngine('Cohort applications: blind scoring', (ctx) => {
  const { app, scoredByOthers } = blindScoring(ctx);

  it('GET and POST /reviews/:id, for a consultant who is not a reviewer of the cohort, answer 404, store nothing, and GET /reviews lists nothing of it', async () => {
    const { application, identity } = await scoredByOthers();
    const outsider = await client(app, await makeUser({ role: 'consultant' }));
    assert.equal((await outsider.get(`/reviews/${application.id}`)).status, 404);
    const before = await programState(ctx.db.knex);
    assert.equal((await outsider.post(`/reviews/${application.id}`, reviewForm([3, 3, 3]))).status, 404);
    assert.equal(await programState(ctx.db.knex), before);
    const list = await outsider.get('/reviews');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(`/reviews/${application.id}"`));
    for (const secret of identity) assert.ok(!secret.test(list.text));
    assert.match(list.text, /No applications for you to review/);
  });

  it('POST /cohorts/:id/reviewers, as a director, sets the reviewers, who may then open the applications; a consultant gets 403 and changes nothing', async () => {
    const { cohort, application, director } = await scoredByOthers();
    const chosen = await makeUser({ role: 'consultant', name: 'Chosen Reader' });
    const c = await client(app, chosen);
    assert.equal((await c.get(`/reviews/${application.id}`)).status, 404);
    assert.equal((await c.post(`/cohorts/${cohort.id}/reviewers`, { reviewer_ids: [String(chosen.id)] })).status, 403);
    assert.equal(
      Number((await ctx.db.knex('cohort_reviewers').where({ cohort_id: cohort.id, user_id: chosen.id }).count({ n: '*' }))[0].n),
      0,
    );
    const d = await client(app, director);
    const res = await d.post(`/cohorts/${cohort.id}/reviewers`, { reviewer_ids: [String(chosen.id)] });
    assert.equal(res.status, 303);
    assert.match((await d.get(`/cohorts/${cohort.id}`)).text, /Chosen Reader reviews the applications blind/);
    assert.equal((await c.get(`/reviews/${application.id}`)).status, 200);
    // Choosing nobody removes them again.
    assert.equal((await d.post(`/cohorts/${cohort.id}/reviewers`, {})).status, 303);
    assert.equal((await c.get(`/reviews/${application.id}`)).status, 404);
  });

  it('POST /cohorts/:id/reviewers, with a user who does not exist, answers 422 with the message at reviewer_ids and changes nothing', async () => {
    const { cohort, director } = await scoredByOthers();
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    const reviewers = await ctx.db.knex('cohort_reviewers').where({ cohort_id: cohort.id }).orderBy('user_id').pluck('user_id');
    const res = await d.post(`/cohorts/${cohort.id}/reviewers`, { reviewer_ids: ['987654'] });
    assert.equal(res.status, 422);
    assert.match(messageNextTo(res.text, 'reviewer_ids') ?? '', /Choose reviewers from the list/);
    assert.equal(await programState(ctx.db.knex), before);
    assert.deepEqual(await ctx.db.knex('cohort_reviewers').where({ cohort_id: cohort.id }).orderBy('user_id').pluck('user_id'), reviewers);
  });

  it('GET and POST /reviews/:id, signed out, answer 401; for an application that does not exist, 404', async () => {
    const { application } = await scoredByOthers();
    assert.equal((await request(app).get(`/reviews/${application.id}`)).status, 401);
    assert.equal((await request(app).get('/reviews')).status, 401);
    const reviewer = await client(app, await makeUser({ role: 'consultant' }));
    assert.equal((await reviewer.get('/reviews/987654')).status, 404);
    assert.equal((await reviewer.post('/reviews/987654', reviewForm([3, 3, 3]))).status, 404);
  });

  it("GET /cohorts/:id/applications and /cohorts/:id/applications/:aid, for a consultant reviewer, answer 403; for a director, show every reviewer's scores and the mean", async () => {
    const { cohort, application } = await scoredByOthers();
    const reviewer = await client(app, await makeUser({ role: 'consultant' }));
    assert.equal((await reviewer.get(`/cohorts/${cohort.id}/applications`)).status, 403);
    assert.equal((await reviewer.get(`/cohorts/${cohort.id}/applications/${application.id}`)).status, 403);
    const d = await client(app, await makeUser({ role: 'director' }));
    const ranking = await d.get(`/cohorts/${cohort.id}/applications`);
    assert.equal(ranking.status, 200);
    assert.match(ranking.text, /Quillon Varga: 5, 5, 4/);
    assert.match(ranking.text, /Odalys Pernet: 2, 3, 3/);
    assert.match(ranking.text, /3\.67/);
    const page = await d.get(`/cohorts/${cohort.id}/applications/${application.id}`);
    assert.ok(page.text.includes('SECRET-FIRST-5524') && page.text.includes('SECRET-SECOND-2233'));
  });
});
