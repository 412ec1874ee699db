import assert from 'node:assert/strict';
import { ValidationError } from '../../server/errors';
import { parseReportFilters, dashboardFigures } from '../../server/services/report.service';
import { cancelEngagement, createEngagement, deleteEngagement, updateEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, makeCase } from '../helpers/engagements';
import { instantIn, loadRaw, withDerivedFirstEngagements } from '../helpers/reports-raw';
import { projectFigures, recountDashboard } from '../helpers/reports-recount-dashboard';

const TARGET = 5;
const ctx = { timeZone: ZONE };
const filters = parseReportFilters({ from: '2026-01-01' }, ZONE).filters;

describeEachEngine('The first delivered engagement after edits', (t) => {
  const { config } = testApp();
  let director: { id: number; role: 'director' };
  let consultant: Awaited<ReturnType<typeof makeUser>>;
  let caseId: number;
  let other: number;
  const ids: Record<string, number> = {};

  const payload = (date: string, start: string | null, status = 'delivered') => ({
    status,
    date,
    ...(start ? { start_time: start } : {}),
    duration_minutes: 60,
    format: 'one_on_one',
    consultant_ids: [consultant.id],
    participant_count: 3,
    jurisdictions: ['OH'],
    topics: ['equity-lens'],
    summary: status === 'delivered' ? 'Met the board.' : '',
  });

  /** Checks the case's column and every dashboard figure against a recount from the engagements. */
  async function expectRecount(expectedFirst: string | null, label: string) {
    const row = await t.db.knex('cases').where({ id: caseId }).first('first_engagement_at');
    const stored = row.first_engagement_at ? new Date(row.first_engagement_at).toISOString() : null;
    const raw = withDerivedFirstEngagements(await loadRaw(t.db.knex), ZONE);
    const recounted = raw.caseById.get(caseId)?.engaged ?? null;
    assert.equal(
      stored,
      recounted === null ? null : new Date(recounted).toISOString(),
      `${label}: the case's first engagement equals the recount`,
    );
    assert.equal(stored, expectedFirst, `${label}: the first engagement is the one expected`);
    const now = new Date();
    const figures = await dashboardFigures(filters, { responseTargetBusinessDays: TARGET }, now);
    assert.deepStrictEqual(
      projectFigures(figures).response,
      recountDashboard(raw, filters, { target: TARGET, now }).response,
      `${label}: response figures equal the recount`,
    );
  }

  before(async () => {
    const d = await makeUser({ role: 'director' });
    director = { id: d.id, role: 'director' };
    consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant, director: d });
    const second = await makeCase(config, { lead: consultant, director: d });
    caseId = kase.id;
    other = second.id;
    // Submitted in March 2026, so that work in April and May is after the request.
    await t.db.knex('cases').whereIn('id', [caseId, other]).update({ submitted_at: '2026-03-02T15:00:00.000Z' });
    ids.april = await createEngagement(caseId, payload('2026-04-06', '10:00'), director, ctx);
    ids.may = await createEngagement(caseId, payload('2026-05-04', null), director, ctx);
    ids.scheduled = await createEngagement(caseId, payload('2026-03-20', '09:00', 'scheduled'), director, ctx);
    await createEngagement(other, payload('2026-03-30', '16:30'), director, ctx);
  });

  it('createEngagement, with two delivered engagements and an earlier scheduled one, makes the earliest delivered one the first', async () => {
    await expectRecount(new Date(instantIn('2026-04-06', '10:00', ZONE)).toISOString(), 'after adding');
    assert.equal(
      new Date((await t.db.knex('cases').where({ id: caseId }).first('first_engagement_at')).first_engagement_at).toISOString(),
      '2026-04-06T14:00:00.000Z',
    );
  });

  it('updateEngagement, re-dating the first delivered engagement after the second, moves the first to the second', async () => {
    await updateEngagement(ids.april, payload('2026-06-01', '10:00'), director, ctx);
    await expectRecount(new Date(instantIn('2026-05-04', '12:00', ZONE)).toISOString(), 'after re-dating later');
  });

  it('updateEngagement, re-dating it back earlier, moves the first back to it', async () => {
    await updateEngagement(ids.april, payload('2026-04-01', '08:15'), director, ctx);
    await expectRecount(new Date(instantIn('2026-04-01', '08:15', ZONE)).toISOString(), 'after re-dating earlier');
  });

  it('cancelEngagement, on the first delivered engagement, makes the next delivered one the first', async () => {
    await cancelEngagement(ids.april, director);
    await expectRecount(new Date(instantIn('2026-05-04', '12:00', ZONE)).toISOString(), 'after cancelling');
  });

  it('deleteEngagement, on the only delivered engagement left, leaves the case with no first engagement and out of the figure', async () => {
    await deleteEngagement(ids.may, director);
    await expectRecount(null, 'after deleting');
    const figures = await dashboardFigures(filters, { responseTargetBusinessDays: TARGET });
    assert.equal(figures.response.engagedCount, 1, 'only the other case is counted in time to first delivered engagement');
  });

  it('updateEngagement, marking the scheduled one delivered, makes it the first', async () => {
    await updateEngagement(ids.scheduled, payload('2026-03-20', '09:00'), director, ctx);
    await expectRecount(new Date(instantIn('2026-03-20', '09:00', ZONE)).toISOString(), 'after delivering the scheduled one');
  });

  it('createEngagement, delivered and dated before the request was submitted, is refused on the date field and adds nothing', async () => {
    const before = Number((await t.db.knex('engagements').where({ case_id: caseId }).count({ n: '*' }))[0].n);
    await assert.rejects(createEngagement(caseId, payload('2026-02-27', '10:00'), director, ctx), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.errors.map((f) => f.field),
        ['date'],
      );
      return true;
    });
    assert.equal(Number((await t.db.knex('engagements').where({ case_id: caseId }).count({ n: '*' }))[0].n), before);
  });

  it('GET /reports/cases.csv after the edits, shows the derived first engagement of each case', async () => {
    const { app } = testApp();
    const d = await makeUser({ role: 'director' });
    const agent = await signInAs(app, d);
    const res = await agent.get('/reports/cases.csv?from=2026-01-01');
    assert.equal(res.status, 200);
    const text = res.text ?? String(res.body);
    assert.ok(text.includes('2026-03-20 09:00'), 'the first engagement in local time');
    assert.ok(!text.includes('2026-04-06'), 'no trace of the old first engagement');
  });
});
