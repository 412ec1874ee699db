import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser, TestUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import {
  StaffClient,
  addEngagement,
  caseRow,
  countFor,
  errorAt,
  eventsOf,
  lastEventId,
  logDeliveredEngagement,
  makeCase,
  millis,
  shownValue,
  staffClient,
} from '../helpers/cases';
import { STATUSES, type CaseStatus } from '../../server/vocabulary';

const ALL = Object.keys(STATUSES) as CaseStatus[];
const ALLOWED = new Set([
  'new>assigned',
  'new>declined',
  'new>withdrawn',
  'assigned>in_progress',
  'assigned>withdrawn',
  'assigned>declined',
  'in_progress>on_hold',
  'on_hold>in_progress',
  'in_progress>completed',
  'in_progress>withdrawn',
  'completed>in_progress',
]);

describeEachEngine('POST /cases/:id/status: the status machine', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;
  let lead: TestUser;
  let leadClient: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
    lead = await makeUser({ role: 'consultant' });
    leadClient = await staffClient(app, lead);
  });

  /** A case in the given status, led by `lead`, with a delivered engagement when it has been worked on. */
  async function caseIn(status: CaseStatus) {
    const worked = ['in_progress', 'on_hold', 'completed'].includes(status);
    const kase = await makeCase(ctx.db.knex, { status, leadId: status === 'new' ? undefined : lead.id });
    if (worked) await addEngagement(ctx.db.knex, kase.id);
    return kase;
  }

  /** Asserts the move left exactly one new event, a status change from `from` to `to`, and returns it. */
  async function oneStatusEvent(caseId: number, since: number, from: CaseStatus, to: CaseStatus, actorId: number) {
    const events = await eventsOf(ctx.db.knex, caseId, since);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['case.status_changed'],
    );
    assert.equal(events[0].before?.status, from);
    assert.equal(events[0].after?.status, to);
    assert.equal(events[0].actor_kind, 'staff');
    assert.equal(events[0].actor_user_id, actorId);
    return events[0];
  }

  describe('allowed moves', () => {
    it('POST /cases/:id/status, from new to declined with a reason, declines the case, closes it and leaves one event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: 'Outside the program scope' });
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#status`);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'declined');
      assert.equal(row.closing_reason, 'Outside the program scope');
      assert.notEqual(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'new', 'declined', director.user.id);
      assert.equal(e.after?.reason, 'Outside the program scope');
    });

    it('POST /cases/:id/status, from new to withdrawn with a reason, withdraws the case and leaves one event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The requester left the board' });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'withdrawn');
      assert.equal(row.closing_reason, 'The requester left the board');
      assert.notEqual(row.closed_at, null);
      await oneStatusEvent(kase.id, since, 'new', 'withdrawn', director.user.id);
    });

    it('POST /cases/:id/assignment, on a new case, moves it to assigned with one status event beside the assignment event', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) });
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
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'No longer needed' })).status, 303);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'withdrawn');
      await oneStatusEvent(kase.id, since, 'assigned', 'withdrawn', director.user.id);
    });

    it('POST /cases/:id/status, from assigned to declined with a reason, declines the case and leaves one event', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: 'A conflict of interest' })).status, 303);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'declined');
      assert.equal(row.closing_reason, 'A conflict of interest');
      await oneStatusEvent(kase.id, since, 'assigned', 'declined', director.user.id);
    });

    it('POST /cases/:id/status, from in progress to on hold with a reason, holds the case, keeps it open and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Board recess until March' })).status, 303);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'on_hold');
      assert.equal(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'in_progress', 'on_hold', director.user.id);
      assert.equal(e.after?.reason, 'Board recess until March');
    });

    it('POST /cases/:id/status, from on hold to in progress, resumes the case and leaves one event', async () => {
      const kase = await caseIn('on_hold');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
      await oneStatusEvent(kase.id, since, 'on_hold', 'in_progress', director.user.id);
    });

    it('POST /cases/:id/status, from in progress to completed with a delivered engagement and a summary, completes it and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'The board adopted the framework.' });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'completed');
      assert.equal(row.closing_summary, 'The board adopted the framework.');
      assert.notEqual(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'in_progress', 'completed', director.user.id);
      assert.equal(e.after?.closing_summary, 'The board adopted the framework.');
    });

    it('POST /cases/:id/status, from in progress to withdrawn with a reason, withdraws the case and leaves one event', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The board changed priorities' })).status,
        303,
      );
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'withdrawn');
      await oneStatusEvent(kase.id, since, 'in_progress', 'withdrawn', director.user.id);
    });

    it('POST /cases/:id/status, from completed to in progress (reopen) by a director with a reason, reopens it and clears the closed time', async () => {
      const kase = await caseIn('completed');
      const since = await lastEventId(ctx.db.knex, kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'in_progress', reason: 'A follow-up session was requested' });
      assert.equal(res.status, 303, res.text);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(row.closed_at, null);
      const e = await oneStatusEvent(kase.id, since, 'completed', 'in_progress', director.user.id);
      assert.equal(e.after?.reason, 'A follow-up session was requested');
    });

    it('noteDeliveredEngagement, on an assigned case, moves it to in progress, stamps the first engagement and leaves one event', async () => {
      const kase = await caseIn('assigned');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).first_engagement_at, null);
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.notEqual(row.first_engagement_at, null);
      const e = await oneStatusEvent(kase.id, since, 'assigned', 'in_progress', lead.id);
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
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      const first = (await caseRow(ctx.db.knex, kase.id)).first_engagement_at;
      const since = await lastEventId(ctx.db.knex, kase.id);
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(millis(row.first_engagement_at), millis(first));
      assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, since), []);
    });

    it('noteDeliveredEngagement, on a case on hold, stamps nothing new and does not move it', async () => {
      const kase = await caseIn('assigned');
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Pause' })).status, 303);
      const since = await lastEventId(ctx.db.knex, kase.id);
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'on_hold');
      assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, since), []);
    });

    it('a case, taken from new to withdrawn through every open status, has each move on its timeline in order', async () => {
      const kase = await caseIn('new');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
      await logDeliveredEngagement(ctx.db.knex, kase.id, lead.id);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for data' })).status, 303);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'in_progress', reason: 'One more meeting' })).status, 303);
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'Board dissolved' })).status, 303);
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
      const page = await director.get(`/cases/${kase.id}`);
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

  describe('disallowed moves', () => {
    for (const from of ALL) {
      for (const to of ALL) {
        if (ALLOWED.has(`${from}>${to}`)) continue;
        it(`POST /cases/:id/status, from ${from} to ${to}, answers 409 and changes nothing`, async () => {
          const kase = await caseIn(from);
          // Every other condition is met (reason, summary, a delivered engagement), so only the move itself is wrong.
          await addEngagement(ctx.db.knex, kase.id);
          const before = await caseRow(ctx.db.knex, kase.id);
          const events = await countFor(ctx.db.knex, 'case_events', kase.id);
          const res = await director.post(`/cases/${kase.id}/status`, { to, reason: 'Because', closing_summary: 'Summary' });
          assert.equal(res.status, 409, res.text.slice(0, 300));
          assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
          assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
        });
      }
    }

    it('POST /cases/:id/status, from new to assigned (a move made only by assigning), answers 409 and changes nothing', async () => {
      const kase = await caseIn('new');
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'assigned' });
      assert.equal(res.status, 409);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });

    it('POST /cases/:id/status, from assigned to in progress (a move made only by a delivered engagement), answers 409 and changes nothing', async () => {
      const kase = await caseIn('assigned');
      await addEngagement(ctx.db.knex, kase.id);
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'in_progress', reason: 'Started' });
      assert.equal(res.status, 409);
      assert.match(res.text, /first delivered engagement/);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });
  });

  describe('conditions of a move', () => {
    it('POST /cases/:id/status, completing a case with no delivered engagement, answers 409 and changes nothing', async () => {
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: lead.id });
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(res.status, 409);
      assert.match(res.text, /at least one delivered engagement/);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(row.closing_summary, null);
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });

    it('POST /cases/:id/status, completing a case whose only engagements are scheduled or cancelled, answers 409 and changes nothing', async () => {
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: lead.id });
      await addEngagement(ctx.db.knex, kase.id, 'scheduled');
      await addEngagement(ctx.db.knex, kase.id, 'cancelled');
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(res.status, 409);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
    });

    it('POST /cases/:id/status, completing without a closing summary, answers 422 with the message at the summary field and changes nothing', async () => {
      const kase = await caseIn('in_progress');
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: '   ' });
      assert.equal(res.status, 422);
      assert.equal(errorAt(res.text, 'closing_summary'), 'Enter a closing summary');
      assert.match(res.text, /<a href="#field-closing_summary">Enter a closing summary<\/a>/);
      assert.match(res.text, /<textarea[^>]*id="field-closing_summary"/, 'the error summary link lands on the summary box');
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });

    for (const [from, to] of [
      ['new', 'declined'],
      ['new', 'withdrawn'],
      ['assigned', 'declined'],
      ['assigned', 'withdrawn'],
      ['in_progress', 'on_hold'],
      ['in_progress', 'withdrawn'],
      ['completed', 'in_progress'],
    ] as [CaseStatus, CaseStatus][]) {
      it(`POST /cases/:id/status, from ${from} to ${to} without a reason, answers 422 with the message at the reason field and changes nothing`, async () => {
        const kase = await caseIn(from);
        const before = await caseRow(ctx.db.knex, kase.id);
        const events = await countFor(ctx.db.knex, 'case_events', kase.id);
        const res = await director.post(`/cases/${kase.id}/status`, { to, reason: '' });
        assert.equal(res.status, 422);
        assert.equal(errorAt(res.text, 'reason'), 'Enter a reason');
        assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
        assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
      });
    }

    it('POST /cases/:id/status, with a reason over 500 characters, answers 422 and keeps the text in the box', async () => {
      const kase = await caseIn('new');
      const long = `${'Too long. '.repeat(50)}x`;
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: long });
      assert.equal(res.status, 422);
      assert.equal(errorAt(res.text, 'reason'), 'A reason must be 500 characters or fewer');
      assert.equal(shownValue(res.text, 'reason'), long);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
    });

    it('POST /cases/:id/status, to a status that does not exist, answers 422 and changes nothing', async () => {
      const kase = await caseIn('new');
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'archived', reason: 'x' });
      assert.equal(res.status, 422);
      assert.match(res.text, /Choose a new status from the list/);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
    });
  });

  describe('moves by a consultant', () => {
    it('POST /cases/:id/status, as the lead consultant, puts the case on hold, resumes it and completes it', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for the board' })).status, 303);
      assert.equal((await leadClient.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal(
        (await leadClient.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Delivered three sessions' })).status,
        303,
      );
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'completed');
      const events = await eventsOf(ctx.db.knex, kase.id, since);
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor_user_id]),
        [
          ['case.status_changed', lead.id],
          ['case.status_changed', lead.id],
          ['case.status_changed', lead.id],
        ],
      );
    });

    it('POST /cases/:id/status, as a supporting consultant, puts the case on hold', async () => {
      const supporter = await makeUser({ role: 'consultant' });
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: lead.id, supporterIds: [supporter.id] });
      const client = await staffClient(app, supporter);
      assert.equal((await client.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Data not ready' })).status, 303);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'on_hold');
    });

    for (const [from, to] of [
      ['new', 'declined'],
      ['new', 'withdrawn'],
      ['assigned', 'declined'],
      ['assigned', 'withdrawn'],
      ['in_progress', 'withdrawn'],
      ['completed', 'in_progress'],
    ] as [CaseStatus, CaseStatus][]) {
      it(`POST /cases/:id/status, as the lead consultant, from ${from} to ${to} (a director's move), answers 409 and changes nothing`, async () => {
        const kase = await makeCase(ctx.db.knex, { status: from, leadId: lead.id });
        await addEngagement(ctx.db.knex, kase.id);
        const before = await caseRow(ctx.db.knex, kase.id);
        const events = await countFor(ctx.db.knex, 'case_events', kase.id);
        const res = await leadClient.post(`/cases/${kase.id}/status`, { to, reason: 'Because' });
        assert.equal(res.status, 409);
        assert.match(res.text, /Only a director can make this change/);
        assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
        assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
      });
    }

    it('GET /cases/:id, as the lead consultant of a case in progress, offers hold and complete but not withdraw', async () => {
      const kase = await caseIn('in_progress');
      const page = await leadClient.get(`/cases/${kase.id}`);
      assert.equal(page.status, 200);
      const offered = [...page.text.matchAll(/<input type="hidden" name="to" value="([a-z_]+)">/g)].map((m) => m[1]);
      assert.deepEqual(offered.sort(), ['completed', 'on_hold']);
    });

    it('GET /cases/:id, as a director, on a case in progress, offers hold, complete and withdraw', async () => {
      const kase = await caseIn('in_progress');
      const page = await director.get(`/cases/${kase.id}`);
      const offered = [...page.text.matchAll(/<input type="hidden" name="to" value="([a-z_]+)">/g)].map((m) => m[1]);
      assert.deepEqual(offered.sort(), ['completed', 'on_hold', 'withdrawn']);
    });

    it('GET /cases/:id, on a declined case, offers no status change', async () => {
      const kase = await caseIn('declined');
      const page = await director.get(`/cases/${kase.id}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /name="to"/);
      assert.match(page.text, /No status changes are available here/);
    });
  });
});
