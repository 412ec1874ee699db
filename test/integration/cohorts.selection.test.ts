import assert from 'node:assert/strict';
import request from 'supertest';
import { rankingOf } from '../../server/services/application.service';
import { testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, summaryLinks } from '../helpers/html';
import { client } from '../helpers/programs';
import { TestCohort, makeCohort } from '../helpers/programs-cohorts';
import { TestApplication, applyTo, decideAs, scoreAs } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';

/**
 * Five applications and three reviewers, with answers known in advance:
 *   A: 5,5,5 and 4,5,4         → 28/6 = 4.67, rank 1
 *   B: 4,4,4 three times       → 36/9 = 4.00, rank 2 (more reviews than C)
 *   C: 3,4,5                   → 12/3 = 4.00, rank 2 (tied with B)
 *   D: 2,2,3                   →  7/3 = 2.33, rank 4
 *   E: not scored              → last, no rank
 * C applied first and E second, so that the order is the scores' doing, not the arrival's.
 */
async function fixture(knex: Parameters<typeof makeCohort>[0]) {
  const director = await makeUser({ role: 'director' });
  const [r1, r2, r3] = [await makeUser({ role: 'consultant' }), await makeUser({ role: 'consultant' }), director];
  const cohort = await makeCohort(knex, { director });
  const c = await applyTo(cohort.id, { name: 'Casey Chen', jurisdiction: 'KY' });
  const e = await applyTo(cohort.id, { name: 'Emery Diaz', jurisdiction: 'TX' });
  const d = await applyTo(cohort.id, { name: 'Devon Park', jurisdiction: 'WA' });
  const b = await applyTo(cohort.id, { name: 'Blair Okoro', jurisdiction: 'OH' });
  const a = await applyTo(cohort.id, { name: 'Alex Rivera', jurisdiction: 'NM' });
  await scoreAs(r1, a.id, [5, 5, 5]);
  await scoreAs(r2, a.id, [4, 5, 4]);
  for (const r of [r1, r2, r3]) await scoreAs(r, b.id, [4, 4, 4]);
  await scoreAs(r3, c.id, [3, 4, 5]);
  await scoreAs(r2, d.id, [2, 2, 3]);
  return { director, cohort, apps: { a, b, c, d, e } };
}

describeEachEngine('Cohorts: ranking, decisions and the roster', (ctx) => {
  const { app } = testApp();
  let director: TestUser;
  let cohort: TestCohort;
  let apps: Record<'a' | 'b' | 'c' | 'd' | 'e', TestApplication>;

  before(async () => {
    ({ director, cohort, apps } = await fixture(ctx.db.knex));
  });

  it('rankingOf, on the five-application fixture, orders A, B, C, D, E with means 4.67, 4, 4, 2.33 and none, and ranks 1, 2, 2, 4 and none', async () => {
    const { ranked } = await rankingOf(cohort.id, director);
    assert.deepEqual(
      ranked.map((r) => [r.name, r.reviews, r.mean, r.rank]),
      [
        ['Alex Rivera', 2, 4.67, 1],
        ['Blair Okoro', 3, 4, 2],
        ['Casey Chen', 1, 4, 2],
        ['Devon Park', 1, 2.33, 4],
        ['Emery Diaz', 0, null, null],
      ],
    );
  });

  it('GET /cohorts/:id/applications, for a director, shows the applications in rank order with their ranks, review counts and means', async () => {
    const d = await client(app, director);
    const res = await d.get(`/cohorts/${cohort.id}/applications`);
    assert.equal(res.status, 200);
    const rows = [
      ...res.text.matchAll(
        /<td data-label="Rank">([^<]*)<\/td>\s*<th scope="row" data-label="Applicant"><a href="[^"]*\/applications\/(\d+)">([^<]*)<\/a>[\s\S]*?<td data-label="Reviews" class="text-right">(\d+)<\/td>\s*<td data-label="Mean score" class="text-right">([^<]*)<\/td>/g,
      ),
    ].map((m) => [m[1], Number(m[2]), m[3], Number(m[4]), m[5]]);
    assert.deepEqual(rows, [
      ['1', apps.a.id, 'Alex Rivera', 2, '4.67'],
      ['2', apps.b.id, 'Blair Okoro', 3, '4'],
      ['2', apps.c.id, 'Casey Chen', 1, '4'],
      ['4', apps.d.id, 'Devon Park', 1, '2.33'],
      ['–', apps.e.id, 'Emery Diaz', 0, 'Not scored'],
    ]);
  });

  it('POST /cohorts/:id/applications/:aid/decision, selected, waitlisted and not selected, stores each decision, redirects 303 to the ranking, and each applicant sees it on the status page', async () => {
    const d = await client(app, director);
    const decisions: [TestApplication, string, RegExp][] = [
      [apps.a, 'selected', /Status: Selected/],
      [apps.b, 'selected', /Status: Selected/],
      [apps.c, 'waitlisted', /Status: Waitlisted/],
      [apps.d, 'not_selected', /Status: Not selected/],
    ];
    for (const [a, decision, shown] of decisions) {
      const res = await d.post(`/cohorts/${cohort.id}/applications/${a.id}/decision`, { decision });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/cohorts/${cohort.id}/applications?saved=1#application-${a.id}`);
      const row = await ctx.db.knex('applications').where({ id: a.id }).first();
      assert.deepEqual([row.decision, Number(row.decided_by_user_id)], [decision, director.id]);
      assert.match((await request(app).get(a.statusPath)).text, shown);
    }
    assert.match((await request(app).get(apps.e.statusPath)).text, /Status: Under review/);
  });

  it('GET /cohorts/:id, after the decisions, lists on the roster exactly the selected applicants, by name', async () => {
    await decideAs(director, cohort.id, apps.a.id, 'selected');
    await decideAs(director, cohort.id, apps.b.id, 'selected');
    await decideAs(director, cohort.id, apps.c.id, 'waitlisted');
    const d = await client(app, director);
    const res = await d.get(`/cohorts/${cohort.id}`);
    const roster = [...res.text.matchAll(/<th scope="row" data-label="Participant">([^<]*)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(roster, ['Alex Rivera', 'Blair Okoro']);
  });

  for (const [name, decision] of [
    ['no decision', undefined],
    ['an unknown decision', 'maybe'],
  ] as const) {
    it(`POST /cohorts/:id/applications/:aid/decision, with ${name}, answers 422 at the decision and changes nothing`, async () => {
      const d = await client(app, director);
      const before = await programState(ctx.db.knex);
      const res = await d.post(`/cohorts/${cohort.id}/applications/${apps.e.id}/decision`, { decision });
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, 'decision') ?? '', /Choose a decision/);
      assert.deepEqual(summaryLinks(res.text), ['decision']);
      assert.deepEqual(checkedValues(res.text, 'decision'), [], 'no decision is shown as chosen');
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /cohorts/:id/applications/:aid/decision, for an application of another cohort, answers 404 and changes nothing', async () => {
    const other = await makeCohort(ctx.db.knex, { director });
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    assert.equal((await d.post(`/cohorts/${other.id}/applications/${apps.e.id}/decision`, { decision: 'selected' })).status, 404);
    assert.equal((await d.get(`/cohorts/${other.id}/applications/${apps.e.id}`)).status, 404);
    assert.equal(await programState(ctx.db.knex), before);
  });

  it('POST /cohorts/:id/applications/:aid/decision, for a consultant, answers 403 and changes nothing', async () => {
    const c = await client(app, await makeUser({ role: 'consultant' }));
    const before = await programState(ctx.db.knex);
    assert.equal((await c.post(`/cohorts/${cohort.id}/applications/${apps.e.id}/decision`, { decision: 'selected' })).status, 403);
    assert.equal(await programState(ctx.db.knex), before);
  });
});
