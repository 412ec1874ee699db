// Issue 14: meetings moved, cancelled or deleted, and what the requester and the team are sent.
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { daysFromToday, engagementForm, postForm, staffAgent, storeEngagement } from '../helpers/engagements';
import { eventsIn, formActions, methodOf, requesterJourneys } from '../helpers/requester-journeys';

describeEachEngine('Requester journeys after a mistake, a refusal or a change', (ctx) => {
  const { app, people, caseInProgress, outbox } = requesterJourneys(ctx);

  describe('moving and cancelling an engagement', () => {
    it('POST /engagements/:id, moving the date and setting a place, mails the requester and the consultant a file with the same UID, a higher SEQUENCE and LOCATION', async () => {
      const supporter = await makeUser({ role: 'consultant' });
      const { lead, kase } = await caseInProgress({ supporters: [supporter] });
      const agent = await staffAgent(app, lead);
      const fields = engagementForm([lead], { date: daysFromToday(9) });
      assert.equal((await postForm(agent, `/cases/${kase.id}/engagements`, fields)).status, 303);
      const id = Number((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' }).first('id')).id);
      const [scheduled] = await outbox(kase.id, 'engagement-scheduled');
      const before = eventsIn(scheduled.ics)[0];

      const moved = await postForm(agent, `/engagements/${id}`, { ...fields, date: daysFromToday(12), location: 'Room 4, State Capitol' });
      assert.equal(moved.status, 303, moved.text.slice(0, 1000));
      const mails = await outbox(kase.id, 'engagement-scheduled');
      assert.equal(mails.length, 2);
      assert.match(mails[1].subject, /^Moved: /);
      const after = eventsIn(mails[1].ics)[0];
      assert.equal(after.uid, before.uid);
      assert.equal(after.uid, `engagement-${id}@leep.test`);
      assert.ok(Number(after.sequence) > Number(before.sequence ?? 0), `SEQUENCE ${after.sequence} after ${before.sequence}`);
      assert.equal(String(after.location), 'Room 4, State Capitol');
      assert.equal(methodOf(mails[1].ics), 'REQUEST');
      const team = await outbox(kase.id, 'engagement-team');
      assert.deepEqual(
        team.map((m) => m.to_address),
        [lead.email],
      );
      assert.equal(eventsIn(team[0].ics)[0].uid, before.uid);
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.match(page.text, /Room 4, State Capitol/);
    });

    it('POST /engagements/:id, moving a meeting left on a completed case, mails nobody and the status page shows no meetings', async () => {
      const { lead, kase } = await caseInProgress();
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      const agent = await staffAgent(app, lead);
      const fields = engagementForm([lead], { date: daysFromToday(9) });
      assert.equal((await postForm(agent, `/cases/${kase.id}/engagements`, fields)).status, 303);
      const id = Number((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' }).first('id')).id);
      assert.equal((await postForm(agent, `/engagements/${id}`, { ...fields, date: daysFromToday(11) })).status, 303);
      const mails = await ctx.db.knex('outbox').where({ case_id: kase.id }).whereIn('kind', ['engagement-scheduled', 'engagement-team']);
      assert.deepEqual(mails, []);
      assert.doesNotMatch((await request(app).get(kase.statusPath).expect(200)).text, /Upcoming meetings/);
    });

    it('POST /engagements/:id, with a javascript: video-meeting link, answers 422 at the field and saves nothing', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const res = await postForm(agent, `/cases/${kase.id}/engagements`, engagementForm([lead], { meeting_url: 'javascript:alert(1)' }));
      assert.equal(res.status, 422);
      assert.match(res.text, /id="field-meeting_url-error"[^>]*>Enter a video-meeting link/);
      assert.equal((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' })).length, 0);
    });

    it('POST /engagements/:id/cancel, confirmed, mails the requester and the consultant a METHOD:CANCEL file with the meeting link as its URL', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const id = await storeEngagement(kase.id, lead, { date: daysFromToday(5), meeting_url: 'https://meet.example.org/leep-42' });
      const asked = await postForm(agent, `/engagements/${id}/cancel`);
      assert.equal(asked.status, 200);
      assert.match(asked.text, /name="confirm" value="yes"/);
      assert.equal((await ctx.db.knex('engagements').where({ id }).first('status')).status, 'scheduled');
      assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
      const mails = await ctx.db
        .knex('outbox')
        .where({ case_id: kase.id })
        .whereIn('kind', ['engagement-cancelled', 'engagement-team'])
        .orderBy('to_address');
      assert.deepEqual(mails.map((m) => m.to_address).sort(), ['dana.whitfield@example.org', lead.email].sort());
      for (const m of mails) {
        assert.equal(methodOf(m.ics), 'CANCEL');
        const [event] = eventsIn(m.ics);
        assert.equal(event.uid, `engagement-${id}@leep.test`);
        assert.equal(Number(event.sequence), 1);
      }
    });

    it('POST /engagements/:id/delete, unconfirmed, answers a confirmation page and deletes nothing; confirmed, deletes it', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const id = await storeEngagement(kase.id, lead, { date: daysFromToday(5) });
      const asked = await postForm(agent, `/engagements/${id}/delete`);
      assert.equal(asked.status, 200);
      assert.deepEqual(
        formActions(asked.text).filter((a) => a.startsWith('/engagements')),
        [`/engagements/${id}/delete`],
      );
      assert.equal((await ctx.db.knex('engagements').where({ id })).length, 1);
      assert.equal((await postForm(agent, `/engagements/${id}/delete`, { confirm: 'yes' })).status, 303);
      assert.equal((await ctx.db.knex('engagements').where({ id })).length, 0);
      assert.equal((await outbox(kase.id, 'engagement-cancelled')).length, 1);
    });
  });
});
