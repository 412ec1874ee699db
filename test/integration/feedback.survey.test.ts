// The requester's survey on the status page: offered once the case is completed, one answer per
// case, each rating a whole number from 1 to 5.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import type { Config } from '../../server/config';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { TestUser, checkedOf, makeUser } from '../helpers/auth';
import { StaffClient, countFor, errorAt, eventsOf, marker, re, shownValue, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { TestCase, addEngagement, daysFromToday, engagementForm, makeCase, staffAgent } from '../helpers/engagements';

const FORM = /<form[^>]*action="[^"]*\/feedback"[^>]*>[\s\S]*?<\/form>/;
const SECTION = /<section aria-labelledby="feedback-heading" id="feedback">[\s\S]*?<\/section>/;

describeEachEngine("The requester's survey", (ctx) => {
  let app: Express;
  let config: Readonly<Config>;
  let director: StaffClient;

  before(async () => {
    ({ app, config } = testApp());
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** A case with a lead and a delivered engagement: in progress, ready to complete. */
  async function caseInProgress(): Promise<{ kase: TestCase; lead: TestUser }> {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead, director: director.user });
    const agent = await staffAgent(app, lead);
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([lead], { status: 'delivered', date: daysFromToday(-3), summary: 'We walked through the plan' }),
    );
    return { kase, lead };
  }

  async function completedCase(): Promise<TestCase> {
    const { kase } = await caseInProgress();
    assert.equal(
      (await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'The board adopted the framework.' })).status,
      303,
    );
    return kase;
  }

  /** The requester's browser: opens the status page and posts the survey with the page's token. */
  async function answer(kase: TestCase, fields: Record<string, string | undefined>) {
    const agent = request.agent(app);
    const page = await agent.get(kase.statusPath).expect(200);
    const res = await agent
      .post(`${kase.statusPath}/feedback`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), ...fields }));
    return { page, res, agent };
  }

  /** What the survey can have written for a case. */
  const stored = async (caseId: number) => ({
    feedback: await ctx.db.knex('feedback').where({ case_id: caseId }).select('quality', 'relevance', 'usefulness', 'comment'),
    events: (await eventsOf(ctx.db.knex, caseId)).filter((e) => e.kind === 'case.feedback_received').length,
  });
  const nothing = { feedback: [], events: 0 };

  it('GET /status/:token, before the case is completed, offers no survey, and POST /status/:token/feedback answers 409 and stores nothing', async () => {
    const { kase } = await caseInProgress();
    const { page, res } = await answer(kase, { quality: '5', relevance: '5', usefulness: '5' });
    assert.ok(!FORM.test(page.text), 'the survey is offered before the case is completed');
    assert.ok(!SECTION.test(page.text));
    assert.equal(res.status, 409);
    // Whatever is posted: there is no survey to correct, so no form errors either.
    assert.equal((await answer(kase, { quality: '9', relevance: 'x' })).res.status, 409);
    assert.deepEqual(await stored(kase.id), nothing);
  });

  it('GET /status/:token, once the case is completed, offers the survey with three ratings from 1 to 5', async () => {
    const kase = await completedCase();
    const page = await request(app).get(kase.statusPath);
    assert.equal(page.status, 200);
    const form = FORM.exec(page.text)?.[0];
    assert.ok(form, 'no survey on the page of a completed case');
    assert.match(form, re(`action="${kase.statusPath}/feedback"`));
    for (const name of ['quality', 'relevance', 'usefulness']) {
      const values: string[] = [...form.matchAll(new RegExp(`<input[^>]*type="radio" name="${name}" value="(\\d)"`, 'g'))].map((m) => m[1]);
      assert.deepEqual(values, ['1', '2', '3', '4', '5'], name);
    }
    assert.match(form, /name="comment"/);
  });

  it('POST /status/:token/feedback, valid, stores the answer, thanks the requester, shows it on the case page and in the timeline', async () => {
    const kase = await completedCase();
    const comment = `Very practical & "clear" ${marker()}`;
    const { res, agent } = await answer(kase, { quality: '4', relevance: '5', usefulness: '3', comment });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    assert.equal(res.headers.location, `${kase.statusPath}?thanks=1#feedback`);
    assert.deepEqual(await stored(kase.id), { feedback: [{ quality: 4, relevance: 5, usefulness: 3, comment }], events: 1 });
    const [event] = (await eventsOf(ctx.db.knex, kase.id)).filter((e) => e.kind === 'case.feedback_received');
    assert.equal(event.actor_kind, 'requester');
    assert.deepEqual(event.after, { quality: 4, relevance: 5, usefulness: 3, comment });

    const thanks = await agent.get(String(res.headers.location).split('#')[0]);
    assert.match(thanks.text, /Thank you: your feedback has been received/);
    assert.ok(!FORM.test(thanks.text), 'the survey is still offered after the answer');

    const casePage = await director.get(`/cases/${kase.id}`);
    assert.equal(casePage.status, 200);
    assert.match(casePage.text, /<dt>Requester's feedback<\/dt><dd>Quality 4, relevance 5, usefulness 3 \(out of 5\)/);
    assert.match(casePage.text, re(`Very practical &amp; &quot;clear&quot;`));
    const timeline = casePage.text.split('id="timeline"')[1] ?? '';
    assert.match(timeline, /Rated the help/);
    assert.match(timeline, /Quality 4, relevance 5, usefulness 3 \(out of 5\)/);
  });

  it('POST /status/:token/feedback, a second answer, answers 409 and keeps the first', async () => {
    const kase = await completedCase();
    assert.equal((await answer(kase, { quality: '2', relevance: '3', usefulness: '4' })).res.status, 303);
    const first = await stored(kase.id);
    // The page no longer has the survey; a second post is made with the message form's token.
    const { res } = await answer(kase, { quality: '5', relevance: '5', usefulness: '5', comment: 'Changed my mind' });
    assert.equal(res.status, 409);
    assert.equal((await answer(kase, { quality: '0' })).res.status, 409);
    assert.deepEqual(await stored(kase.id), first);
    assert.deepEqual(first, { feedback: [{ quality: 2, relevance: 3, usefulness: 4, comment: null }], events: 1 });
  });

  it('POST /status/:token/feedback, two answers at the same time, stores one, answers 303 and 409', async () => {
    const kase = await completedCase();
    const browsers = await Promise.all(
      [1, 2].map(async () => {
        const agent = request.agent(app);
        const page = await agent.get(kase.statusPath).expect(200);
        return { agent, token: csrfTokenOf(page.text) };
      }),
    );
    const answers = await Promise.all(
      browsers.map(({ agent, token }, i) =>
        agent
          .post(`${kase.statusPath}/feedback`)
          .type('form')
          .send(encodeForm({ _csrf: token, quality: String(i + 1), relevance: '3', usefulness: '3' })),
      ),
    );
    assert.deepEqual(answers.map((r) => r.status).sort(), [303, 409]);
    const after = await stored(kase.id);
    assert.equal(after.feedback.length, 1);
    assert.equal(after.events, 1);
  });

  for (const [label, bad] of [
    ['0', '0'],
    ['6', '6'],
    ['2.5', '2.5'],
    ['"x"', 'x'],
    ['missing', undefined],
  ] as const) {
    it(`POST /status/:token/feedback, with quality ${label}, answers 422 with a message at the field, keeps the other values and stores nothing`, async () => {
      const kase = await completedCase();
      const comment = `Kept <text> ${marker()}`;
      const { res } = await answer(kase, { quality: bad, relevance: '4', usefulness: '2', comment });
      assert.equal(res.status, 422);
      assert.match(errorAt(res.text, 'quality') ?? '', /quality of the help/);
      assert.equal(errorAt(res.text, 'relevance'), undefined);
      assert.equal(errorAt(res.text, 'usefulness'), undefined);
      assert.match(res.text, /<a href="#field-quality">/);
      assert.deepEqual(checkedOf(res.text, 'quality'), []);
      assert.deepEqual(checkedOf(res.text, 'relevance'), ['4']);
      assert.deepEqual(checkedOf(res.text, 'usefulness'), ['2']);
      assert.equal(shownValue(res.text, 'comment'), comment);
      assert.deepEqual(await stored(kase.id), nothing);
    });
  }

  it('POST /status/:token/feedback, with every rating wrong, answers 422 with a message at each field and stores nothing', async () => {
    const kase = await completedCase();
    const { res } = await answer(kase, { quality: '0', relevance: '6', usefulness: 'x' });
    assert.equal(res.status, 422);
    assert.match(errorAt(res.text, 'quality') ?? '', /between 1 and 5/);
    assert.match(errorAt(res.text, 'relevance') ?? '', /between 1 and 5/);
    assert.match(errorAt(res.text, 'usefulness') ?? '', /whole number/);
    assert.deepEqual(await stored(kase.id), nothing);
    // The survey is still offered, to answer again.
    assert.equal((await answer(kase, { quality: '1', relevance: '1', usefulness: '1' })).res.status, 303);
  });

  it('POST /status/:token/feedback, cross-site or without a CSRF token, answers 403 and stores nothing', async () => {
    const kase = await completedCase();
    const fields = { quality: '5', relevance: '5', usefulness: '5' };
    const crossSite = await request(app)
      .post(`${kase.statusPath}/feedback`)
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send(encodeForm(fields));
    assert.equal(crossSite.status, 403);
    // The requester's own browser, with the page's cookie, but a form made elsewhere (no token).
    const agent = request.agent(app);
    await agent.get(kase.statusPath).expect(200);
    const noToken = await agent.post(`${kase.statusPath}/feedback`).type('form').send(encodeForm(fields));
    assert.equal(noToken.status, 403);
    assert.deepEqual(await stored(kase.id), nothing);
    assert.equal(await countFor(ctx.db.knex, 'feedback', kase.id), 0);
  });

  it('POST /status/:token/feedback, with an unknown token, answers 404', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/requests/new').expect(200);
    const res = await agent
      .post(`/status/${'x'.repeat(43)}/feedback`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), quality: '5', relevance: '5', usefulness: '5' }));
    assert.equal(res.status, 404);
  });
});
