// A reviewer scoring an application: the form, valid scores stored once, invalid ones refused with
// every value kept, and the list saying only what is still to score.
import assert from 'node:assert/strict';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, client } from '../helpers/programs';
import { makeReviewer, reviewForm, scoreAs } from '../helpers/programs-applications';
import { programState } from '../helpers/programs-state';
import { blindScoring } from '../helpers/applications-reviews';

describeEachEngine('Cohort applications: blind scoring', (ctx) => {
  const { app, scoredByOthers } = blindScoring(ctx);

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
});
