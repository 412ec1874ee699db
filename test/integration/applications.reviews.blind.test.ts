// What a reviewer sees of an application: the answers, never the applicant's identity nor the other
// reviewers' scores, comments, names or mean, on any page of the app; a director sees all of it.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { client, daysFromToday } from '../helpers/programs';
import { makeReviewer, reviewForm, scoreAs } from '../helpers/programs-applications';
import { makeEvent, makeTeam } from '../helpers/programs-network';
import { blindScoring } from '../helpers/applications-reviews';

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
  const { app, scoredByOthers } = blindScoring(ctx);

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
});
