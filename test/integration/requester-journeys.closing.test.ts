// Issue 14: a request declined, withdrawn or completed with meetings left, and a status move refused.
import assert from 'node:assert/strict';
import request from 'supertest';
import { encodeForm } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { daysFromToday, makeCase, storeEngagement } from '../helpers/engagements';
import { eventsIn, methodOf, requester, requesterJourneys } from '../helpers/requester-journeys';

describeEachEngine('Requester journeys after a mistake, a refusal or a change', (ctx) => {
  const { app, config, people, caseInProgress, outbox } = requesterJourneys(ctx);

  describe('declining and withdrawing', () => {
    it('POST /cases/:id/status to declined, shows the reason on the status page, mails it to the requester, and the requester can still write', async () => {
      const kase = await makeCase(config);
      const reason = 'This work is outside what LEEP offers this year.';
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'declined', reason })).status, 303);
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.match(page.text, /id="closing-reason">This work is outside what LEEP offers this year\.</);
      assert.doesNotMatch(page.text, /Upcoming meetings|Your consultant will arrange/);
      const [mail] = await outbox(kase.id, 'request-closed');
      assert.ok(mail, 'no mail to the requester');
      assert.equal(mail.to_address, 'dana.whitfield@example.org');
      assert.ok(mail.text_body.includes(reason), mail.text_body);
      assert.match(mail.subject, /declined/);
      const { agent, token } = await requester(app, kase.statusPath);
      const res = await agent
        .post(`${kase.statusPath}/messages`)
        .type('form')
        .send(encodeForm({ _csrf: token, body: 'Could you suggest someone else?' }));
      assert.equal(res.status, 303);
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'declined');
      // No consultant on a declined request: the directors are told.
      assert.ok((await outbox(kase.id, 'message-from-requester')).some((m) => m.to_address === people.director.user.email));
    });

    it('POST /cases/:id/status to withdrawn, mails the reason to the requester', async () => {
      const kase = await makeCase(config);
      assert.equal(
        (await people.director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The board asked us to stop.' })).status,
        303,
      );
      const [mail] = await outbox(kase.id, 'request-closed');
      assert.ok(mail?.text_body.includes('The board asked us to stop.'));
      assert.match((await request(app).get(kase.statusPath)).text, /The board asked us to stop\./);
    });
  });

  describe('completing a case with meetings still scheduled', () => {
    it('POST /cases/:id/status to completed, with 2 scheduled engagements, asks first (422), then cancels both and mails METHOD:CANCEL files with their UIDs', async () => {
      const { lead, kase } = await caseInProgress();
      const first = await storeEngagement(kase.id, lead, { date: daysFromToday(10), start_time: '10:00' });
      const second = await storeEngagement(kase.id, lead, { date: daysFromToday(20), start_time: '14:00' });
      const asked = await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(asked.status, 422);
      assert.match(asked.text, /2 engagements are still scheduled/);
      assert.match(asked.text, /name="cancel_scheduled" value="yes"/);
      assert.match(asked.text, />All done<\/textarea>/);
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'in_progress');

      const done = await people.director.post(`/cases/${kase.id}/status`, {
        to: 'completed',
        closing_summary: 'All done',
        cancel_scheduled: 'yes',
      });
      assert.equal(done.status, 303, done.text.slice(0, 500));
      const statuses = await ctx.db.knex('engagements').whereIn('id', [first, second]).orderBy('id').select('status');
      assert.deepEqual(
        statuses.map((r) => r.status),
        ['cancelled', 'cancelled'],
      );
      const cancels = (await outbox(kase.id, 'engagement-cancelled')).filter((m) => m.to_address === 'dana.whitfield@example.org');
      assert.equal(cancels.length, 2);
      const uids = cancels.map((m) => {
        assert.equal(methodOf(m.ics), 'CANCEL');
        const [event] = eventsIn(m.ics);
        assert.equal(event.status, 'CANCELLED');
        return event.uid;
      });
      assert.deepEqual(uids.sort(), [`engagement-${first}@leep.test`, `engagement-${second}@leep.test`].sort());
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.doesNotMatch(page.text, /Upcoming meetings|\.ics"/);
    });
  });

  describe('a refused status move', () => {
    it('POST /cases/:id/status, a stale move on a completed case, answers 409 with the case page, a message and the current status', async () => {
      const { kase } = await caseInProgress();
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for the board' });
      assert.equal(res.status, 409);
      assert.match(res.text, /<h2 id="status-heading">Status: Completed<\/h2>/);
      assert.match(
        res.text,
        /Nothing was changed: A case that is completed cannot be moved to on hold\. The case is now <strong>Completed<\/strong>/,
      );
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'completed');
    });
  });
});
