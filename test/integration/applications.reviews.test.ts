import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, client, daysFromToday } from '../helpers/programs';
import { makeCohort } from '../helpers/programs-cohorts';
import { applyTo, makeReviewer, reviewForm, scoreAs } from '../helpers/programs-applications';
import { makeEvent, makeTeam } from '../helpers/programs-network';
import { programState } from '../helpers/programs-state';

/** Every GET route the app registers. */
function getRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) => {
    for (const layer of stack) {
      if (layer.route?.methods.get) out.push(layer.route.path);
      else if (layer.handle?.stack) walk(layer.handle.stack as typeof stack);
    }
  };
  walk((app as unknown as { router: { stack: Parameters<typeof walk>[0] } }).router.stack);
  return out;
}

describeEachEngine('Cohort applications: blind scoring', (ctx) => {
  const { app } = testApp();

  /** An application scored by two other reviewers whose names and comments are easy to spot. */
  async function scoredByOthers() {
    const director = await makeUser({ role: 'director', name: 'Quillon Varga' });
    const other = await makeUser({ role: 'consultant', name: 'Odalys Pernet' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(-1) }] });
    const application = await applyTo(cohort.id, { name: 'Avery Stone', jurisdiction: 'OR', email: 'avery.stone@board.example.gov' });
    // Scores 5,5,4 and 2,3,3: a mean of 22/6 = 3.67, written nowhere else.
    await scoreAs(director, application.id, [5, 5, 4], 'SECRET-FIRST-5524');
    await scoreAs(other, application.id, [2, 3, 3], 'SECRET-SECOND-2233');
    // The mean is looked for as a number standing alone, not inside a random token.
    return {
      director,
      other,
      cohort,
      application,
      identity: [/Avery Stone/, /avery\.stone@/, /Oregon/],
      secrets: [/SECRET-FIRST/, /SECRET-SECOND/, /Quillon Varga/, /Odalys Pernet/, /(^|[^\w.-])3\.67($|[^\w-])/, /Mean of all/],
    };
  }

  it("GET every route the app has, for a consultant who has not scored the application, shows nothing of the other reviewers' scores, comments, names or mean", async function () {
    this.timeout(60_000);
    const { director, cohort, application, secrets } = await scoredByOthers();
    const teamId = await makeTeam('OR');
    const eventId = await makeEvent(director, daysFromToday(-1));
    const [assignment] = await ctx.db
      .knex('cohort_assignments')
      .insert({
        cohort_id: cohort.id,
        title: 'Reading',
        due_on: daysFromToday(3),
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .returning('id');
    const assignmentId = Number(typeof assignment === 'object' ? assignment.id : assignment);
    const reviewerUser = await makeUser({ role: 'consultant', name: 'Blind Reviewer' });
    await makeReviewer(cohort.id, reviewerUser);
    const reviewer = await client(app, reviewerUser);
    const fill = (path: string) =>
      path
        .replace(/^\/applications\/:token/, `/applications/${application.token}`)
        .replace(':aid', String(application.id))
        .replace(':mid', String(cohort.meetings[0].id))
        .replace(':asid', String(assignmentId))
        .replace(/^\/cohorts\/:id/, `/cohorts/${cohort.id}`)
        .replace(/^\/reviews\/:id/, `/reviews/${application.id}`)
        .replace(/^\/network\/teams\/:id/, `/network/teams/${teamId}`)
        .replace(/^\/network\/events\/:id/, `/network/events/${eventId}`)
        .replace(/^\/cases\/:id/, `/cases/${cohort.caseId}`)
        .replace(/^\/engagements\/:id/, `/engagements/${cohort.meetings[0].engagement_id}`)
        .replace(':code', 'OR')
        .replace(':eid', String(cohort.meetings[0].engagement_id))
        .replace(/:[a-z]+/g, '1');
    const routes = getRoutes(app);
    assert.ok(
      routes.length > 40 && routes.includes('/reviews/:id') && routes.includes('/cohorts/:id/applications'),
      'the walk covers the app',
    );
    const leaks: string[] = [];
    for (const path of routes.map(fill)) {
      for (const agent of [reviewer.agent, request(app)]) {
        const res = await agent.get(path);
        const body = res.text ?? '';
        for (const secret of secrets) if (secret.test(body)) leaks.push(`${path} (${res.status}) shows ${secret}`);
      }
    }
    assert.deepEqual(leaks, []);

    // Having scored changes nothing for a reviewer: the others stay hidden.
    assert.equal((await reviewer.post(`/reviews/${application.id}`, reviewForm([3, 3, 3]))).status, 303);
    const after = await reviewer.get(`/reviews/${application.id}`);
    assert.equal(after.status, 200);
    for (const secret of secrets) assert.ok(!secret.test(after.text), `${secret} stays hidden after scoring`);
    // The control: a director who has scored sees the others and the mean on the same page.
    const d = await client(app, director);
    const seen = await d.get(`/reviews/${application.id}`);
    for (const secret of ['SECRET-SECOND', 'Odalys Pernet', 'Blind Reviewer'])
      assert.ok(seen.text.includes(secret), `${secret} is shown to a director who scored`);
    assert.match(seen.text, /Mean of all 3 reviews: 3\.44\./, '(14 + 8 + 9) / 9 = 3.44');
  });

  it("GET /reviews and /reviews/:id, for a cohort's reviewer, show the answers and the board role, never the applicant's name, e-mail or state", async () => {
    const { cohort, application, identity } = await scoredByOthers();
    const user = await makeUser({ role: 'consultant' });
    await makeReviewer(cohort.id, user);
    const reviewer = await client(app, user);
    const list = await reviewer.get('/reviews');
    assert.equal(list.status, 200);
    assert.match(list.text, new RegExp(`<a href="/reviews/${application.id}">Application 1</a>`));
    const page = await reviewer.get(`/reviews/${application.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('I chaired our equity task force'), 'the answers are shown');
    assert.match(page.text, /Vice chair, 4 years on the board/);
    assert.match(page.text, /<h1[^>]*>Review: Application 1<\/h1>/);
    for (const res of [list, page]) for (const secret of identity) assert.ok(!secret.test(res.text), `a reviewer does not see ${secret}`);
    await scoreAs(user, application.id, [3, 3, 3]);
    const after = await reviewer.get(`/reviews/${application.id}`);
    for (const secret of identity) assert.ok(!secret.test(after.text), `a reviewer who scored does not see ${secret}`);
  });

  it("GET /reviews and /reviews/:id, for a director, show the applicant's name and state", async () => {
    const { application } = await scoredByOthers();
    const d = await client(app, await makeUser({ role: 'director' }));
    const list = await d.get('/reviews');
    assert.match(list.text, new RegExp(`<a href="/reviews/${application.id}">Avery Stone</a>`));
    assert.match(list.text, /Oregon/);
    const page = await d.get(`/reviews/${application.id}`);
    assert.match(page.text, /Review: Avery Stone/);
    assert.match(page.text, /Oregon/);
  });

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

  it("GET /reviews/:id, for a cohort's reviewer who has not scored, shows the answers and the score form, and no count of reviews or mean", async () => {
    const { application, cohort } = await scoredByOthers();
    const user = await makeUser({ role: 'consultant' });
    await makeReviewer(cohort.id, user);
    const reviewer = await client(app, user);
    const res = await reviewer.get(`/reviews/${application.id}`);
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('I chaired our equity task force'), 'the answers are shown');
    for (const field of ['equity_score', 'openness_score', 'leadership_score'])
      assert.deepEqual(checkedValues(res.text, field), [], `${field} is offered, unchosen`);
    assert.ok(!/Mean of all|Other reviewers|reviews?;/.test(res.text));
  });

  it("POST /reviews/:id, with valid scores, stores them, redirects 303, and the page then shows the reviewer's own scores and nothing of the others'", async () => {
    const { application, cohort, secrets } = await scoredByOthers();
    const user = await makeUser({ role: 'consultant' });
    await makeReviewer(cohort.id, user);
    const reviewer = await client(app, user);
    const res = await reviewer.post(`/reviews/${application.id}`, reviewForm([4, 2, 5], 'My view'));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/reviews/${application.id}?saved=1`);
    const row = await ctx.db.knex('application_reviews').where({ application_id: application.id, reviewer_user_id: user.id }).first();
    assert.deepEqual(
      [
        Number(row.equity_score),
        row.equity_comment,
        Number(row.openness_score),
        row.openness_comment,
        Number(row.leadership_score),
        row.leadership_comment,
      ],
      [4, 'My view (equity)', 2, 'My view (openness)', 5, 'My view (leadership)'],
    );
    const page = await reviewer.get(res.headers.location);
    assert.match(page.text, /Your scores are saved/);
    assert.match(page.text, /Commitment to equity: 4 out of 5/);
    for (const secret of secrets) assert.ok(!secret.test(page.text), `${secret} stays hidden`);
  });

  const invalid: { name: string; fields: Fields; field: string; message: RegExp }[] = [
    {
      name: 'no score for equity',
      fields: { equity_score: undefined },
      field: 'equity_score',
      message: /Choose a score for commitment to equity/,
    },
    { name: 'a score of 6', fields: { openness_score: '6' }, field: 'openness_score', message: /from the list/ },
    { name: 'a score of 0', fields: { leadership_score: '0' }, field: 'leadership_score', message: /from the list/ },
    { name: 'a score in words', fields: { equity_score: 'high' }, field: 'equity_score', message: /must be a whole number/ },
    {
      name: 'no comment on leadership',
      fields: { leadership_comment: '  ' },
      field: 'leadership_comment',
      message: /Enter a comment on leadership/,
    },
    {
      name: 'a comment over 2,000 characters',
      fields: { openness_comment: 'y'.repeat(2001) },
      field: 'openness_comment',
      message: /2,000 characters or fewer/,
    },
  ];
  for (const c of invalid) {
    it(`POST /reviews/:id, with ${c.name}, answers 422 with the message at ${c.field}, keeps every value, stores nothing and still shows nothing of the others`, async () => {
      const { application, cohort, secrets } = await scoredByOthers();
      const user = await makeUser({ role: 'consultant' });
      await makeReviewer(cohort.id, user);
      const reviewer = await client(app, user);
      const form = { ...reviewForm([4, 4, 4], 'Kept comment'), ...c.fields };
      const before = await programState(ctx.db.knex);
      const res = await reviewer.post(`/reviews/${application.id}`, form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.deepEqual(summaryLinks(res.text), [c.field]);
      for (const [name, value] of Object.entries(form)) {
        if (value === undefined) continue;
        if (name.endsWith('_score'))
          assert.deepEqual(
            checkedValues(res.text, name),
            ['1', '2', '3', '4', '5'].includes(value as string) ? [value] : [],
            `${name} keeps its choice`,
          );
        else assert.equal(shownValue(res.text, name), value, `${name} keeps what was typed`);
      }
      for (const secret of secrets) assert.ok(!secret.test(res.text), `the failed form does not show ${secret}`);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /reviews/:id, a second time by the same reviewer, answers 409 and keeps the first scores', async () => {
    const { application, cohort } = await scoredByOthers();
    const user = await makeUser({ role: 'consultant' });
    await makeReviewer(cohort.id, user);
    const reviewer = await client(app, user);
    assert.equal((await reviewer.post(`/reviews/${application.id}`, reviewForm([1, 1, 1]))).status, 303);
    const before = await programState(ctx.db.knex);
    const again = await reviewer.post(`/reviews/${application.id}`, reviewForm([5, 5, 5]));
    assert.equal(again.status, 409);
    assert.equal(await programState(ctx.db.knex), before);
    const row = await ctx.db.knex('application_reviews').where({ application_id: application.id, reviewer_user_id: user.id }).first();
    assert.equal(Number(row.equity_score), 1);
  });

  it("GET /reviews, for a cohort's reviewer, lists its applications with only whether they have scored each", async () => {
    const { application, cohort, secrets } = await scoredByOthers();
    const user = await makeUser({ role: 'consultant' });
    await makeReviewer(cohort.id, user);
    const reviewer = await client(app, user);
    const before = await reviewer.get('/reviews');
    assert.equal(before.status, 200);
    const row = (html: string) =>
      new RegExp(`<a href="/reviews/${application.id}">Application 1</a></th>[\\s\\S]*?<td data-label="Your review">(.*?)</td>`).exec(
        html,
      )?.[1];
    assert.equal(row(before.text), '<strong>To score</strong>');
    for (const secret of secrets) assert.ok(!secret.test(before.text), `the list does not show ${secret}`);
    await scoreAs(user, application.id, [3, 3, 3]);
    assert.equal(row((await reviewer.get('/reviews')).text), 'Scored');
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
