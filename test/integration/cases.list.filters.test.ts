// Filtering the case list: by status, jurisdiction, track, topic, consultant or lateness, together,
// and with values the list does not know.
import assert from 'node:assert/strict';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { TestCase, makeCase, marker } from '../helpers/cases';
import { caseList, daysAgo, rowsOf } from '../helpers/cases-list';

describeEachEngine('GET /cases: filters, search, sort and pages', (ctx) => {
  const { tagged, ids, listed, sorted } = caseList(ctx);

  describe('filters', () => {
    it('GET /cases, filtered by two statuses, lists the cases in either and ticks both boxes', async () => {
      const tag = marker();
      const fresh = await tagged(tag);
      await tagged(tag, { status: 'assigned' });
      await tagged(tag, { status: 'in_progress' });
      const done = await tagged(tag, { status: 'completed' });
      const { res, ids: got } = await listed(`q=${tag}&status=new&status=completed`);
      assert.deepEqual(sorted(got), ids(fresh, done));
      assert.match(res.text, /id="filter-status-new" type="checkbox" name="status" value="new" checked/);
      assert.match(res.text, /id="filter-status-completed" type="checkbox" name="status" value="completed" checked/);
      assert.doesNotMatch(res.text, /value="assigned" checked/);
    });

    it('GET /cases, filtered by a jurisdiction (in any case of letters), lists only that state', async () => {
      const tag = marker();
      const vt = await tagged(tag, { payload: { jurisdiction: 'VT' } });
      await tagged(tag, { payload: { jurisdiction: 'OH' } });
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=VT`)).ids, [vt.id]);
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=vt`)).ids, [vt.id]);
    });

    it('GET /cases, filtered by a track, lists only that track', async () => {
      const tag = marker();
      await tagged(tag, { payload: { track: 'ta' } });
      const network = await tagged(tag, { payload: { track: 'network' } });
      await tagged(tag, { payload: { track: 'cohort' } });
      assert.deepEqual((await listed(`q=${tag}&track=network`)).ids, [network.id]);
    });

    it('GET /cases, filtered by a topic, lists only the cases with that topic among theirs', async () => {
      const tag = marker();
      const early = await tagged(tag, { payload: { topics: ['equity-lens', 'early-learning'] } });
      await tagged(tag, { payload: { topics: ['equity-lens'] } });
      const onlyEarly = await tagged(tag, { payload: { topics: ['early-learning'] } });
      assert.deepEqual(sorted((await listed(`q=${tag}&topic=early-learning`)).ids), ids(early, onlyEarly));
    });

    it('GET /cases, filtered by a consultant, lists the cases they lead or support', async () => {
      const consultant = await makeUser();
      const other = await makeUser();
      const leads = await makeCase(ctx.db.knex, { status: 'assigned', leadId: consultant.id });
      const supports = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: other.id, supporterIds: [consultant.id] });
      await makeCase(ctx.db.knex, { status: 'assigned', leadId: other.id });
      assert.deepEqual(sorted((await listed(`consultant=${consultant.id}`)).ids), ids(leads, supports));
    });

    it('GET /cases, filtered to overdue, lists the new cases submitted more than five business days ago and flags them', async () => {
      const tag = marker();
      const late = await tagged(tag, { submittedAt: daysAgo(20) });
      const recent = await tagged(tag, { submittedAt: daysAgo(1) });
      const lateButAssigned = await tagged(tag, { submittedAt: daysAgo(20), status: 'assigned' });
      const { res, ids: got } = await listed(`q=${tag}&overdue=1`);
      assert.deepEqual(got, [late.id]);
      assert.match(res.text, /id="filter-overdue" type="checkbox" name="overdue" value="1" checked/);
      const all = (await listed(`q=${tag}`)).res.text;
      const rowFor = (c: TestCase) => rowsOf(all).find((r) => r.includes(`href="/cases/${c.id}"`)) ?? '';
      assert.match(rowFor(late), /Overdue/);
      assert.doesNotMatch(rowFor(recent), /Overdue/);
      assert.doesNotMatch(rowFor(lateButAssigned), /Overdue/);
    });

    it('GET /cases, with two filters together, lists only the cases that meet both', async () => {
      const tag = marker();
      const both = await tagged(tag, { payload: { jurisdiction: 'VT' } });
      await tagged(tag, { payload: { jurisdiction: 'VT' }, status: 'declined' });
      await tagged(tag, { payload: { jurisdiction: 'OH' } });
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=VT&status=new`)).ids, [both.id]);
    });

    it('GET /cases, with filter values it does not know (a status, a sort, a page, a consultant id out of range), ignores them', async () => {
      const tag = marker();
      const a = await tagged(tag, { submittedAt: daysAgo(2) });
      const b = await tagged(tag, { submittedAt: daysAgo(1) });
      for (const query of [
        `status=bogus`,
        `status=toString`,
        `sort=bogus`,
        `sort=constructor`,
        `sort=__proto__`,
        `page=abc`,
        `page=-3`,
        `consultant=abc`,
        `consultant=99999999999`,
        `jurisdiction=Ohio`,
      ]) {
        assert.deepEqual((await listed(`q=${tag}&${query}`)).ids, [b.id, a.id], query);
      }
    });
  });
});
