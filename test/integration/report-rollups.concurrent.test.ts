import assert from 'node:assert/strict';
import { allDerivedRows, rebuildRollups } from '../../server/queries/report-rollup.queries';
import { findCaseById } from '../../server/queries/case.queries';
import { changeStatus } from '../../server/services/case.service';
import { createEngagement } from '../../server/services/engagement.service';
import { submitFeedback } from '../../server/services/feedback.service';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, daysFromToday, makeCase } from '../helpers/engagements';

// Consultants recording delivered engagements at the same moment, in the same month and track
// (the same roll-up cells), on the same case and on others: each is stored, none fails, and the
// roll-ups kept by their transactions equal a rebuild from the raw rows.
describeEachEngine('Report roll-ups under engagements recorded at the same moment', (t) => {
  const { config } = testApp();

  it('createEngagement, 12 at once on two cases in one month and track, stores all 12 and leaves the roll-ups equal to a rebuild', async function () {
    this.timeout(60_000);
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const cases = [(await makeCase(config, { lead, director })).id, (await makeCase(config, { lead, director })).id];
    const actor = { id: director.id, role: 'director' as const };
    const day = daysFromToday(-3);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        createEngagement(
          cases[i % 2],
          {
            status: 'delivered',
            date: day,
            start_time: '10:00',
            duration_minutes: 30 + i,
            format: i % 3 ? 'small_group' : 'one_on_one',
            consultant_ids: [lead.id],
            participant_count: 2 + i,
            jurisdictions: i % 2 ? ['OH', 'PR'] : ['OH'],
            topics: [],
            summary: `Meeting ${i}.`,
          },
          actor,
          { timeZone: ZONE },
        ),
      ),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    assert.deepEqual(failed, [], 'every engagement is recorded');
    const stored = Number((await t.db.knex('engagements').whereIn('case_id', cases).count({ n: '*' }))[0].n);
    assert.equal(stored, 12);
    const kept = await allDerivedRows();
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    assert.deepStrictEqual(kept, await allDerivedRows(), 'the roll-ups kept by concurrent transactions equal a rebuild');
  });

  it('submitFeedback while reports:rebuild has rebuilt but not committed waits for it (the roll-ups lock), is stored, and leaves the rows equal to a rebuild', async function () {
    this.timeout(60_000);
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const caseId = (await makeCase(config, { lead, director })).id;
    const actor = { id: director.id, role: 'director' as const };
    await createEngagement(
      caseId,
      {
        status: 'delivered',
        date: daysFromToday(-2),
        start_time: '10:00',
        duration_minutes: 60,
        format: 'small_group',
        consultant_ids: [lead.id],
        participant_count: 3,
        jurisdictions: ['OH'],
        topics: [],
        summary: 'Met.',
      },
      actor,
      { timeZone: ZONE },
    );
    await changeStatus(caseId, { to: 'completed', closing_summary: 'Done.' }, actor);
    let rebuilt!: () => void;
    let release!: () => void;
    const rowsMade = new Promise<void>((resolve) => (rebuilt = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const rebuild = t.db.knex.transaction(async (trx) => {
      await rebuildRollups(trx);
      rebuilt();
      await held;
    });
    await rowsMade;
    const feedback = submitFeedback((await findCaseById(caseId))!, { quality: 4, relevance: 4, usefulness: 5 });
    // Long enough for the feedback's transaction to reach its recount of the year's rows.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await rebuild;
    // Without the lock, on PostgreSQL, its recount inserted rows the rebuild had just committed: a unique violation.
    await feedback;
    const kept = await allDerivedRows();
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    assert.deepStrictEqual(kept, await allDerivedRows());
  });
});
