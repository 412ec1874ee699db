// Completing a case asks the requester for feedback through a real SMTP server, once, and again
// after a reopening only while no answer was given.
import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { re } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { addEngagement, daysFromToday, engagementForm, makeCase, postForm, staffAgent } from '../helpers/engagements';
import { deliverAll, linesFor, pathOf } from '../helpers/mail';
import { linksIn, mailDelivery } from '../helpers/mail-delivery';

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  const { env, newFor } = mailDelivery(ctx);

  it('POST /cases/:id/status to completed sends the requester one message whose feedback link opens the survey', async () => {
    const lead = await makeUser();
    const kase = await makeCase(env.config, { lead });
    const agent = await staffAgent(env.app, lead);
    await deliverAll(env.worker);
    const mark = env.smtp.received.length;
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([lead], { status: 'delivered', date: daysFromToday(-1), summary: 'We walked through the plan' }),
    );
    assert.equal(
      (await postForm(agent, `/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'The board adopted the framework.' })).status,
      303,
    );
    await deliverAll(env.worker);
    const got = newFor(mark, kase.reference);
    // A delivered engagement and the move to in progress write nothing: only the completion does.
    assert.deepEqual(linesFor(got, kase.reference), [
      `dana.whitfield@example.org | Your request ${kase.reference} is complete: how did it go?`,
    ]);
    const [link] = linksIn(got[0].text);
    assert.equal(link, `http://leep.test${kase.statusPath}#feedback`);
    assert.match(got[0].html, re(`<a href="${link}">`));
    const page = await request(env.app).get(pathOf(link));
    assert.equal(page.status, 200);
    assert.match(page.text, /<section aria-labelledby="feedback-heading" id="feedback">/);
    assert.match(page.text, re(`action="${kase.statusPath}/feedback"`));
  });

  it('POST /cases/:id/status to completed, again after a reopening, asks for feedback again only if none was given', async () => {
    const lead = await makeUser();
    const kase = await makeCase(env.config, { lead });
    const agent = await staffAgent(env.app, lead);
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([lead], { status: 'delivered', date: daysFromToday(-1), summary: 'We walked through the plan' }),
    );
    const complete = { to: 'completed', closing_summary: 'The board adopted the framework.' };
    const reopen = { to: 'in_progress', reason: 'One more session was asked for.' };
    const asked = `dana.whitfield@example.org | Your request ${kase.reference} is complete: how did it go?`;

    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    await deliverAll(env.worker);
    assert.equal((await env.director.post(`/cases/${kase.id}/status`, reopen)).status, 303);
    let mark = env.smtp.received.length;
    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    await deliverAll(env.worker);
    assert.deepEqual(linesFor(newFor(mark, kase.reference), kase.reference), [asked], 'not asked again while no answer was given');

    const browser = request.agent(env.app);
    const page = await browser.get(kase.statusPath).expect(200);
    const answered = await browser
      .post(`${kase.statusPath}/feedback`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), quality: '4', relevance: '4', usefulness: '4' }));
    assert.equal(answered.status, 303);
    assert.equal((await env.director.post(`/cases/${kase.id}/status`, reopen)).status, 303);
    mark = env.smtp.received.length;
    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    assert.equal(await deliverAll(env.worker), 0);
    assert.deepEqual(newFor(mark, kase.reference), []);
  });
});
