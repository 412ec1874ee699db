import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { caseRow, eventsOf, lastEventId, logDeliveredEngagement, millis } from '../helpers/cases';
import { statusMachine } from '../helpers/cases-status';

describeEachEngine('POST /cases/:id/status: the status machine', (ctx) => {
  const { people, caseIn, oneStatusEvent } = statusMachine(ctx);

  describe('allowed moves', () => {
    it('POST /cases/:id/status, from new to declined with a reason, declines the case, closes it and leaves one event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: 'Outside the program scope' });
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#status`);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'declined');
      assert.equal(row.closing_reason, 'Outside the program scope');
      assert.notEqual(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'new', 'declined', people.director.user.id);
      assert.equal(e.after?.reason, 'Outside the program scope');
    });

    it('POST /cases/:id/status, from new to withdrawn with a reason, withdraws the case and leaves one event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The requester left the board' });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'withdrawn');
      assert.equal(row.closing_reason, 'The requester left the board');
      assert.notEqual(row.closed_at, null);
      await oneStatusEvent(kase.id, since, 'new', 'withdrawn', people.director.user.id);
    });

    it('POST /cases/:id/assignment, on a new case, moves it to assigned with one status event beside the assignment event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await people.director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(people.lead.id) });
      assert.equal(res.status, 303, res.text);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
      const events = await eventsOf(ctx.db.knex, kase.id, since);
      assert.deepEqual(events.map((e) => e.kind).sort(), ['case.assigned', 'case.status_changed']);
      const status = events.filter((e) => e.kind === 'case.status_changed');
      assert.equal(status.length, 1);
      assert.deepEqual([status[0].before?.status, status[0].after?.status], ['new', 'assigned']);
    });

    it('POST /cases/:id/status, from assigned to withdrawn with a reason, withdraws the case and leaves one event', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'No longer needed' })).status, 303);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'withdrawn');
      await oneStatusEvent(kase.id, since, 'assigned', 'withdrawn', people.director.user.id);
    });

    it('POST /cases/:id/status, from assigned to declined with a reason, declines the case and leaves one event', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await people.director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: 'A conflict of interest' })).status,
        303,
      );
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'declined');
      assert.equal(row.closing_reason, 'A conflict of interest');
      await oneStatusEvent(kase.id, since, 'assigned', 'declined', people.director.user.id);
    });

    it('POST /cases/:id/status, from in progress to on hold with a reason, holds the case, keeps it open and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await people.director.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Board recess until March' })).status,
        303,
      );
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'on_hold');
      assert.equal(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'in_progress', 'on_hold', people.director.user.id);
      assert.equal(e.after?.reason, 'Board recess until March');
    });

    it('POST /cases/:id/status, from on hold to in progress, resumes the case and leaves one event', async () => {
      const kase = await caseIn('on_hold');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
      await oneStatusEvent(kase.id, since, 'on_hold', 'in_progress', people.director.user.id);
    });

    it('POST /cases/:id/status, from in progress to completed with a delivered engagement and a summary, completes it and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, {
        to: 'completed',
        closing_summary: 'The board adopted the framework.',
      });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'completed');
      assert.equal(row.closing_summary, 'The board adopted the framework.');
      assert.notEqual(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'in_progress', 'completed', people.director.user.id);
      assert.equal(e.after?.closing_summary, 'The board adopted the framework.');
    });

    it('POST /cases/:id/status, from in progress to withdrawn with a reason, withdraws the case and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await people.director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The board changed priorities' })).status,
        303,
      );
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'withdrawn');
      await oneStatusEvent(kase.id, since, 'in_progress', 'withdrawn', people.director.user.id);
    });

    it('POST /cases/:id/status, from completed to in progress (reopen) by a director with a reason, reopens it and clears the closed time', async () => {
      const kase = await caseIn('completed');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, {
        to: 'in_progress',
        reason: 'A follow-up session was requested',
      });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'completed', 'in_progress', people.director.user.id);
      assert.equal(e.after?.reason, 'A follow-up session was requested');
    });

    it('noteDeliveredEngagement, on an assigned case, moves it to in progress, stamps the first engagement and leaves one event', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).first_engagement_at, null);
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.notEqual(row.first_engagement_at, null);
      const e = await oneStatusEvent(kase.id, since, 'assigned', 'in_progress', people.lead.id);
      assert.equal(e.after?.via, 'first delivered engagement');
    });

    it('noteDeliveredEngagement, with no actor, records the move as the system', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      await logDeliveredEngagement(ctx.db.knex, kase.id, null);
      const events = await eventsOf(ctx.db.knex, kase.id, since);
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor_kind, e.actor_user_id]),
        [['case.status_changed', 'system', null]],
      );
    });

    it('noteDeliveredEngagement, for a second delivered engagement, changes nothing and keeps the first engagement time', async () => {
      const kase = await caseIn('assigned');
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      const first = (await caseRow(ctx.db.knex, kase.id)).first_engagement_at;
      const since = await lastEventId(ctx.db.knex, kase.id);
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(millis(row.first_engagement_at), millis(first));
      assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, since), []);
    });

    it('noteDeliveredEngagement, on a case on hold, stamps nothing new and does not move it', async () => {
      const kase = await caseIn('assigned');
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      assert.equal((await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Pause' })).status, 303);
      const since = await lastEventId(ctx.db.knex, kase.id);
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'on_hold');
      assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, since), []);
    });

    it('a case, taken from new to withdrawn through every open status, has each move on its timeline in order', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await people.director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(people.lead.id) })).status,
        303,
      );
      await logDeliveredEngagement(ctx.db.knex, kase.id, people.lead.id);
      assert.equal((await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for data' })).status, 303);
      assert.equal((await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal((await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'in_progress', reason: 'One more meeting' })).status, 303);
      assert.equal((await people.director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'Board dissolved' })).status, 303);
      const moves = (await eventsOf(ctx.db.knex, kase.id, since))
        .filter((e) => e.kind === 'case.status_changed')
        .map((e) => `${e.before?.status}>${e.after?.status}`);
      assert.deepEqual(moves, [
        'new>assigned',
        'assigned>in_progress',
        'in_progress>on_hold',
        'on_hold>in_progress',
        'in_progress>completed',
        'completed>in_progress',
        'in_progress>withdrawn',
      ]);
      const page = await people.director.get(`/cases/${kase.id}`);
      assert.equal(page.status, 200);
      for (const headline of [
        'Moved the case to Assigned',
        'Moved the case to On hold',
        'Moved the case to Completed',
        'Moved the case to Withdrawn',
        'After the first delivered engagement',
        'Board dissolved',
      ]) {
        assert.ok(page.text.includes(headline), `timeline lacks "${headline}"`);
      }
    });
  });
});
