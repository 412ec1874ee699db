import assert from 'node:assert/strict';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { addEngagement, caseRow, countFor, eventsOf, lastEventId, makeCase, staffClient } from '../helpers/cases';
import { type CaseStatus } from '../../server/vocabulary';
import { statusMachine } from '../helpers/cases-status';

describeEachEngine('POST /cases/:id/status: the status machine', (ctx) => {
  const { app, people, caseIn } = statusMachine(ctx);

  describe('moves by a consultant', () => {
    it('POST /cases/:id/status, as the lead consultant, puts the case on hold, resumes it and completes it', async () => {
      const kase = await caseIn('in_progress');
      const since = await lastEventId(ctx.db.knex, kase.id);
      assert.equal(
        (await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for the board' })).status,
        303,
      );
      assert.equal((await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'in_progress' })).status, 303);
      assert.equal(
        (await people.leadClient.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Delivered three sessions' })).status,
        303,
      );
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'completed');
      const events = await eventsOf(ctx.db.knex, kase.id, since);
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor_user_id]),
        [
          ['case.status_changed', people.lead.id],
          ['case.status_changed', people.lead.id],
          ['case.status_changed', people.lead.id],
        ],
      );
    });

    it('POST /cases/:id/status, as a supporting consultant, puts the case on hold', async () => {
      const supporter = await makeUser({ role: 'consultant' });
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: people.lead.id, supporterIds: [supporter.id] });
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
        const kase = await makeCase(ctx.db.knex, { status: from, leadId: people.lead.id });
        await addEngagement(ctx.db.knex, kase.id);
        const before = await caseRow(ctx.db.knex, kase.id);
        const events = await countFor(ctx.db.knex, 'case_events', kase.id);
        const res = await people.leadClient.post(`/cases/${kase.id}/status`, { to, reason: 'Because' });
        assert.equal(res.status, 409);
        assert.match(res.text, /Only a director can make this change/);
        assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
        assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
      });
    }

    it('GET /cases/:id, as the lead consultant of a case in progress, offers hold and complete but not withdraw', async () => {
      const kase = await caseIn('in_progress');
      const page = await people.leadClient.get(`/cases/${kase.id}`);
      assert.equal(page.status, 200);
      const offered = [...page.text.matchAll(/<input type="hidden" name="to" value="([a-z_]+)">/g)].map((m) => m[1]);
      assert.deepEqual(offered.sort(), ['completed', 'on_hold']);
    });

    it('GET /cases/:id, as a director, on a case in progress, offers hold, complete and withdraw', async () => {
      const kase = await caseIn('in_progress');
      const page = await people.director.get(`/cases/${kase.id}`);
      const offered = [...page.text.matchAll(/<input type="hidden" name="to" value="([a-z_]+)">/g)].map((m) => m[1]);
      assert.deepEqual(offered.sort(), ['completed', 'on_hold', 'withdrawn']);
    });

    it('GET /cases/:id, on a declined case, offers no status change', async () => {
      const kase = await caseIn('declined');
      const page = await people.director.get(`/cases/${kase.id}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /name="to"/);
      assert.match(page.text, /No status changes are available here/);
    });
  });
});
