// Issue 14: the status page's forms after a mistake, and a supporting consultant who hears from the requester.
import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';
import { formActions, requester, requesterJourneys } from '../helpers/requester-journeys';

describeEachEngine('Requester journeys after a mistake, a refusal or a change', (ctx) => {
  const { app, config, people, caseInProgress, outbox } = requesterJourneys(ctx);

  describe('the status page forms', () => {
    it('POST /status/:token/feedback, with a rating missing and then complete, answers 422 with forms posting to the token, then stores the ratings', async () => {
      const { lead, kase } = await caseInProgress();
      await people.director
        .post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done well' })
        .then((r) => assert.equal(r.status, 303, r.text.slice(0, 500)));
      const { agent, token } = await requester(app, kase.statusPath);
      const bad = await agent
        .post(`${kase.statusPath}/feedback`)
        .type('form')
        .send(encodeForm({ _csrf: token, quality: '5', relevance: '4' }));
      assert.equal(bad.status, 422);
      assert.deepEqual(formActions(bad.text), [`${kase.statusPath}/feedback`, `${kase.statusPath}/messages`]);
      const good = await agent
        .post(formActions(bad.text)[0])
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(bad.text), quality: '5', relevance: '4', usefulness: '3' }));
      assert.equal(good.status, 303, good.text.slice(0, 500));
      const stored = await ctx.db.knex('feedback').where({ case_id: kase.id }).first();
      assert.deepEqual([Number(stored.quality), Number(stored.relevance), Number(stored.usefulness)], [5, 4, 3]);
      assert.ok(lead);
    });

    it('GET /status/:token/ (trailing slash), renders forms that post to /status/:token/…, and a message sent from it is stored', async () => {
      const { kase } = await caseInProgress();
      const { agent, html, token } = await requester(app, `${kase.statusPath}/`);
      assert.deepEqual(formActions(html), [`${kase.statusPath}/messages`]);
      const empty = await agent
        .post(`${kase.statusPath}/messages`)
        .type('form')
        .send(encodeForm({ _csrf: token, body: ' ' }));
      assert.equal(empty.status, 422);
      assert.deepEqual(formActions(empty.text), [`${kase.statusPath}/messages`]);
      const sent = await agent
        .post(formActions(empty.text)[0])
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(empty.text), body: 'Second try' }));
      assert.equal(sent.status, 303);
      assert.equal((await ctx.db.knex('case_messages').where({ case_id: kase.id, body: 'Second try' })).length, 1);
    });
  });

  describe('supporting consultants', () => {
    it('POST /cases/:id/assignment, adding a supporting consultant, mails them, and a message from the requester reaches them too', async () => {
      const lead = await makeUser({ role: 'consultant' });
      const supporter = await makeUser({ role: 'consultant' });
      const kase = await makeCase(config);
      const res = await people.director.post(`/cases/${kase.id}/assignment`, {
        lead_consultant_id: String(lead.id),
        supporting_ids: [String(supporter.id)],
      });
      assert.equal(res.status, 303);
      const told = await outbox(kase.id, 'supporter-assigned');
      assert.deepEqual(
        told.map((m) => m.to_address),
        [supporter.email],
      );
      const { agent, token } = await requester(app, kase.statusPath);
      assert.equal(
        (
          await agent
            .post(`${kase.statusPath}/messages`)
            .type('form')
            .send(encodeForm({ _csrf: token, body: 'Hello team' }))
        ).status,
        303,
      );
      const wrote = await outbox(kase.id, 'message-from-requester');
      assert.deepEqual(wrote.map((m) => m.to_address).sort(), [lead.email, supporter.email].sort());
    });
  });
});
