import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as feedbackYears from '../../db/migrations/2026120700001_create_report_feedback_years';
import { findCaseById } from '../../server/queries/case.queries';
import { allDerivedRows, rebuildRollups } from '../../server/queries/report-rollup.queries';
import { changeStatus } from '../../server/services/case.service';
import { cancelEngagement, createEngagement, updateEngagement } from '../../server/services/engagement.service';
import { submitFeedback } from '../../server/services/feedback.service';
import { ConflictError } from '../../server/errors';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, changeCaseTrack, daysFromToday, makeCase } from '../helpers/engagements';

// The feedback figures by year (report_feedback_years) are kept in the transaction of every change
// that moves what a case counts there: completed and reopened, feedback received, another track,
// its engagements' formats and consultants. After any sequence of them, through the services, they
// equal the rows made again from the raw rows.
const FORMATS = ['one_on_one', 'small_group', 'online_training'];
const TRACKS = ['ta', 'network', 'cohort'];

const operation = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('engagement' as const),
      target: fc.nat(),
      format: fc.constantFrom(...FORMATS),
      consultant: fc.nat({ max: 2 }),
      delivered: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('reformat' as const), target: fc.nat(), format: fc.constantFrom(...FORMATS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('complete' as const), target: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('reopen' as const), target: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('feedback' as const), target: fc.nat(), rating: fc.integer({ min: 1, max: 5 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('track' as const), target: fc.nat(), track: fc.constantFrom(...TRACKS) }), weight: 1 },
);

describeEachEngine('Feedback figures by year after any sequence of case changes', (t) => {
  const { config } = testApp();
  const ctx = { timeZone: ZONE };
  let director: { id: number; role: 'director' };
  let directorUser: Awaited<ReturnType<typeof makeUser>>;
  let people: Awaited<ReturnType<typeof makeUser>>[];
  const cases: number[] = [];
  const engagements: { id: number; caseId: number }[] = [];

  before(async () => {
    const d = await makeUser({ role: 'director' });
    directorUser = d;
    director = { id: d.id, role: 'director' };
    people = [await makeUser({ role: 'consultant' }), await makeUser({ role: 'consultant' }), await makeUser({ role: 'consultant' })];
    for (let i = 0; i < 4; i += 1)
      cases.push((await makeCase(config, { lead: people[0], supporters: [people[1], people[2]], director: d })).id);
  });

  const engagement = (format: string, consultant: number, delivered: boolean) => ({
    status: delivered ? 'delivered' : 'scheduled',
    date: daysFromToday(delivered ? -3 : 3),
    start_time: '10:00',
    duration_minutes: 60,
    format,
    consultant_ids: [people[consultant].id],
    participant_count: 4,
    jurisdictions: ['OH'],
    topics: [],
    summary: delivered ? 'Met the team.' : '',
  });

  /** A change the status machine refuses (a case not in progress completed, feedback twice) is skipped: it changes nothing. */
  const unlessRefused = (work: Promise<unknown>) =>
    work.catch((err) => {
      if (!(err instanceof ConflictError)) throw err;
    });

  it('completing, reopening, feedback, a new track and engagement changes, in any order, leave report_feedback_years equal to reports:rebuild', async function () {
    this.timeout(240_000);
    // First a case delivered, completed and answered, so that the sequences below always find one
    // to reopen, re-format and move to another track.
    engagements.push({ id: await createEngagement(cases[3], engagement('one_on_one', 0, true), director, ctx), caseId: cases[3] });
    await changeStatus(cases[3], { to: 'completed', closing_summary: 'Done.' }, director);
    await submitFeedback((await findCaseById(cases[3]))!, { quality: 5, relevance: 4, usefulness: 3 });
    let counted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 10 }), async (ops) => {
        for (const op of ops) {
          const caseId = cases[op.target % cases.length];
          if (op.kind === 'engagement') {
            const id = await unlessRefused(createEngagement(caseId, engagement(op.format, op.consultant, op.delivered), director, ctx));
            if (typeof id === 'number') engagements.push({ id, caseId });
          } else if (op.kind === 'reformat' || op.kind === 'cancel') {
            if (!engagements.length) continue;
            const e = engagements[op.target % engagements.length];
            if (op.kind === 'cancel') await unlessRefused(cancelEngagement(e.id, director, ZONE));
            else await unlessRefused(updateEngagement(e.id, engagement(op.format, 1, true), director, ctx));
          } else if (op.kind === 'complete')
            await unlessRefused(changeStatus(caseId, { to: 'completed', closing_summary: 'Done.', cancel_scheduled: 'yes' }, director));
          else if (op.kind === 'reopen') await unlessRefused(changeStatus(caseId, { to: 'in_progress', reason: 'More to do.' }, director));
          else if (op.kind === 'feedback') {
            const kase = await findCaseById(caseId);
            await unlessRefused(submitFeedback(kase!, { quality: op.rating, relevance: 6 - op.rating, usefulness: 3 }));
          } else await changeCaseTrack(caseId, op.track, director);
        }
        const kept = await allDerivedRows(t.db.knex);
        counted += kept.feedbackYears.length;
        await t.db.knex.transaction((trx) => rebuildRollups(trx));
        assert.deepStrictEqual(kept, await allDerivedRows(t.db.knex));
      }),
      { numRuns: 15 },
    );
    // The rows compared were not all empty.
    assert.ok(counted > 0, 'no case was ever completed');
  });

  it('a case completed, then answered, then reopened counts in its year row with its rating, then no longer', async () => {
    const caseId = (await makeCase(config, { lead: people[0], supporters: [people[2]], director: directorUser })).id;
    await createEngagement(caseId, engagement('small_group', 2, true), director, ctx);
    const year = new Date().getUTCFullYear();
    const { track } = await t.db.knex('cases').where({ id: caseId }).first('track');
    const row = async () =>
      t.db
        .knex('report_feedback_years')
        .where({ kind: 'consultant', calendar_year: year, track, item: String(people[2].id) })
        .first();
    const before = (await row()) ?? { completed: 0, answered: 0, quality: 0 };
    await changeStatus(caseId, { to: 'completed', closing_summary: 'Done.' }, director);
    await submitFeedback((await findCaseById(caseId))!, { quality: 4, relevance: 2, usefulness: 5 });
    const after = await row();
    assert.deepStrictEqual([after.completed, after.answered, after.quality].map(Number), [
      Number(before.completed) + 1,
      Number(before.answered) + 1,
      Number(before.quality) + 4,
    ]);
    const kept = await allDerivedRows(t.db.knex);
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    assert.deepStrictEqual(kept, await allDerivedRows(t.db.knex));
    await changeStatus(caseId, { to: 'in_progress', reason: 'More to do.' }, director);
    const reopened = (await row()) ?? { completed: 0, answered: 0, quality: 0 };
    assert.deepStrictEqual(
      [reopened.completed, reopened.answered, reopened.quality].map(Number),
      [before.completed, before.answered, before.quality].map(Number),
    );
  });

  it('migration 2026120700001, run on a database with completed cases, fills report_feedback_years and its marks as reports:rebuild does', async () => {
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    const rebuilt = await allDerivedRows(t.db.knex);
    assert.ok(rebuilt.feedbackYears.length > 0 && rebuilt.feedbackMarks.length > 0);
    await feedbackYears.down(t.db.knex);
    await feedbackYears.up(t.db.knex);
    assert.deepStrictEqual(await allDerivedRows(t.db.knex), rebuilt);
  });
});
