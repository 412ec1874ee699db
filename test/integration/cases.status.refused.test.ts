import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { addEngagement, caseRow, countFor, errorAt, makeCase, shownValue } from '../helpers/cases';
import { STATUSES, type CaseStatus } from '../../server/vocabulary';
import { statusMachine } from '../helpers/cases-status';

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
  const { people, caseIn } = statusMachine(ctx);

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
          const res = await people.director.post(`/cases/${kase.id}/status`, { to, reason: 'Because', closing_summary: 'Summary' });
          assert.equal(res.status, 409, res.text.slice(0, 300));
          assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
          assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
        });
      }
    }

    it('POST /cases/:id/status, from new to assigned (a move made only by assigning), answers 409 and changes nothing', async () => {
      const kase = await caseIn('new');
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'assigned' });
      assert.equal(res.status, 409);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });

    it('POST /cases/:id/status, from assigned to in progress (a move made only by a delivered engagement), answers 409 and changes nothing', async () => {
      const kase = await caseIn('assigned');
      await addEngagement(ctx.db.knex, kase.id);
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'in_progress', reason: 'Started' });
      assert.equal(res.status, 409);
      assert.match(res.text, /first delivered engagement/);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });
  });

  describe('conditions of a move', () => {
    it('POST /cases/:id/status, completing a case with no delivered engagement, answers 409 and changes nothing', async () => {
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: people.lead.id });
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(res.status, 409);
      assert.match(res.text, /at least one delivered engagement/);
      const row = await caseRow(ctx.db.knex, kase.id);
      assert.equal(row.status, 'in_progress');
      assert.equal(row.closing_summary, null);
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });

    it('POST /cases/:id/status, completing a case whose only engagements are scheduled or cancelled, answers 409 and changes nothing', async () => {
      const kase = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: people.lead.id });
      await addEngagement(ctx.db.knex, kase.id, 'scheduled');
      await addEngagement(ctx.db.knex, kase.id, 'cancelled');
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(res.status, 409);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'in_progress');
    });

    it('POST /cases/:id/status, completing without a closing summary, answers 422 with the message at the summary field and changes nothing', async () => {
      const kase = await caseIn('in_progress');
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: '   ' });
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
        const res = await people.director.post(`/cases/${kase.id}/status`, { to, reason: '' });
        assert.equal(res.status, 422);
        assert.equal(errorAt(res.text, 'reason'), 'Enter a reason');
        assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
        assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
      });
    }

    it('POST /cases/:id/status, with a reason over 500 characters, answers 422 and keeps the text in the box', async () => {
      const kase = await caseIn('new');
      const long = `${'Too long. '.repeat(50)}x`;
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'declined', reason: long });
      assert.equal(res.status, 422);
      assert.equal(errorAt(res.text, 'reason'), 'A reason must be 500 characters or fewer');
      assert.equal(shownValue(res.text, 'reason'), long);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
    });

    it('POST /cases/:id/status, to a status that does not exist, answers 422 and changes nothing', async () => {
      const kase = await caseIn('new');
      const res = await people.director.post(`/cases/${kase.id}/status`, { to: 'archived', reason: 'x' });
      assert.equal(res.status, 422);
      assert.match(res.text, /Choose a new status from the list/);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'new');
    });
  });
});
