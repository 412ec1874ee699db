import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as yearRollups from '../../db/migrations/2026120600002_create_report_rollup_years';
import { RollupKind, rolledUp, servedPairs } from '../../server/queries/report-rollup-reads.queries';
import { addToRollups, allDerivedRows, rebuildRollups } from '../../server/queries/report-rollup.queries';
import { refreshReportRollups } from '../../server/services/report-rollups';
import { cancelEngagement, createEngagement, deleteEngagement, updateEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, changeCaseTrack, daysFromToday, makeCase } from '../helpers/engagements';

// Engagement changes of every kind, through the services (as the web forms, the API and the
// programs make them): after any sequence, the roll-ups kept in each change's transaction equal
// the ones made again from the raw rows.
const JURISDICTIONS = ['OH', 'DC', 'WY', 'PR', 'GU'];
const FORMATS = ['one_on_one', 'small_group', 'online_training'];
const TRACKS = ['ta', 'network', 'cohort'];

const fields = fc.record({
  delivered: fc.boolean(),
  // Between about ten months ago and yesterday: several months and years, cut at month ends.
  daysAgo: fc.integer({ min: 1, max: 300 }),
  format: fc.constantFrom(...FORMATS),
  duration: fc.constantFrom(15, 45, 60, 90),
  participants: fc.integer({ min: 1, max: 30 }),
  jurisdictions: fc.subarray(JURISDICTIONS, { minLength: 1 }),
  topics: fc.integer({ min: 0, max: 3 }),
  consultants: fc.integer({ min: 0, max: 3 }),
});

const operation = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), target: fc.nat(), fields }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), target: fc.nat(), fields }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('track' as const), target: fc.nat(), track: fc.constantFrom(...TRACKS) }), weight: 1 },
);

describeEachEngine('Report roll-ups after any sequence of engagement changes', (t) => {
  const { config } = testApp();
  const ctx = { timeZone: ZONE };
  let director: { id: number; role: 'director' };
  let consultants: { id: number }[];
  let topics: string[];
  const cases: number[] = [];
  const engagements: number[] = [];

  before(async () => {
    const d = await makeUser({ role: 'director' });
    director = { id: d.id, role: 'director' };
    const people = [await makeUser({ role: 'consultant' }), await makeUser({ role: 'consultant' })];
    consultants = people;
    topics = (await t.db.knex('topics').where({ active: true }).orderBy('id').limit(3).select('slug')).map((r: { slug: string }) => r.slug);
    for (let i = 0; i < 3; i += 1) cases.push((await makeCase(config, { lead: people[0], supporters: [people[1]], director: d })).id);
  });

  type Fields = typeof fields extends fc.Arbitrary<infer R> ? R : never;
  const payload = (f: Fields) => {
    const chosen = consultants.slice(0, Math.max(1, Math.min(f.consultants, consultants.length)));
    return {
      status: f.delivered ? 'delivered' : 'scheduled',
      date: f.delivered ? daysFromToday(-f.daysAgo) : daysFromToday(f.daysAgo),
      start_time: '10:00',
      duration_minutes: f.duration,
      format: f.format,
      consultant_ids: chosen.map((c) => c.id),
      participant_count: f.participants,
      jurisdictions: f.jurisdictions,
      topics: topics.slice(0, f.topics),
      summary: f.delivered ? 'Met the team.' : '',
    };
  };

  it('createEngagement, of three delivered engagements, counts them in the roll-ups at once (each listing OH and PR, 60 minutes)', async () => {
    const base = {
      delivered: true,
      format: 'small_group',
      duration: 60 as const,
      participants: 4,
      jurisdictions: ['OH', 'PR'],
      topics: 1,
      consultants: 1,
    };
    for (const daysAgo of [20, 50, 80]) engagements.push(await createEngagement(cases[0], payload({ ...base, daysAgo }), director, ctx));
    const rows = await t.db
      .knex('report_rollups')
      .whereIn('kind', ['jurisdiction', 'any_territory'])
      .select('kind', 'item', 'engagements', 'minutes');
    const sum = (kind: string, item: string) =>
      rows
        .filter((r) => r.kind === kind && r.item === item)
        .reduce((n, r) => [n[0] + Number(r.engagements), n[1] + Number(r.minutes)], [0, 0]);
    assert.deepStrictEqual(sum('jurisdiction', 'OH'), [3, 180]);
    assert.deepStrictEqual(sum('jurisdiction', 'PR'), [3, 180]);
    assert.deepStrictEqual(sum('any_territory', ''), [3, 180]);
  });

  it("createEngagement, updateEngagement, cancelEngagement, deleteEngagement and a case's new track, in any order, leave the roll-ups equal to reports:rebuild", async function () {
    this.timeout(240_000);
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (ops) => {
        for (const op of ops) {
          const pick = () => engagements[op.target % engagements.length];
          if (op.kind === 'create')
            engagements.push(await createEngagement(cases[op.target % cases.length], payload(op.fields), director, ctx));
          else if (op.kind === 'track') await changeCaseTrack(cases[op.target % cases.length], op.track, director);
          else if (!engagements.length) continue;
          else if (op.kind === 'update') await updateEngagement(pick(), payload(op.fields), director, ctx);
          else if (op.kind === 'cancel') await cancelEngagement(pick(), director, ZONE);
          else {
            const id = pick();
            await deleteEngagement(id, director, ZONE);
            engagements.splice(engagements.indexOf(id), 1);
          }
        }
        const kept = await allDerivedRows(t.db.knex);
        await t.db.knex.transaction((trx) => rebuildRollups(trx));
        assert.deepStrictEqual(kept, await allDerivedRows(t.db.knex));
      }),
      { numRuns: 12 },
    );
  });

  it("one refresh that both adds an engagement the roll-ups do not hold and counts its cell again (another changed) equals reports:rebuild, as do adds that widen a row's first and last dates", async () => {
    const base = {
      delivered: true,
      format: 'one_on_one',
      duration: 45 as const,
      participants: 3,
      jurisdictions: ['WY'],
      topics: 2,
      consultants: 2,
    };
    const a = await createEngagement(cases[2], payload({ ...base, daysAgo: 40 }), director, ctx);
    const b = await createEngagement(cases[2], payload({ ...base, daysAgo: 40 }), director, ctx);
    engagements.push(a, b);
    const matchesRebuild = async (what: string) => {
      const kept = await allDerivedRows(t.db.knex);
      await t.db.knex.transaction((trx) => rebuildRollups(trx));
      assert.deepStrictEqual(kept, await allDerivedRows(t.db.knex), what);
    };
    // B leaves the roll-ups (written in SQL, then the hook every change goes through).
    await t.db.knex.transaction(async (trx) => {
      await trx('engagements').where({ id: b }).update({ status: 'scheduled' });
      await refreshReportRollups(trx, [cases[2]]);
    });
    await matchesRebuild('after B left');
    // In one transaction: B comes back (added to its rows) and A changes (its cell, B's too, counted again).
    await t.db.knex.transaction(async (trx) => {
      await trx('engagements').where({ id: b }).update({ status: 'delivered' });
      await trx('engagements').where({ id: a }).update({ participant_count: 9 });
      await refreshReportRollups(trx, [cases[2]]);
    });
    await matchesRebuild('after B came back and A changed');
    // Added alone, on days before and after every other one of their rows: first and last dates widen.
    for (const daysAgo of [299, 1]) engagements.push(await createEngagement(cases[2], payload({ ...base, daysAgo }), director, ctx));
    await matchesRebuild('after adds at the ends');
  });

  it('addToRollups, from empty roll-ups, of every delivered engagement three at a time (each statement adding to rows the one before made), equals reports:rebuild', async () => {
    // The random sequences above may have cancelled or deleted most of what they made: eight more,
    // two to a month and mixing formats and places, make sure later statements add to earlier rows.
    for (const [i, daysAgo] of [10, 12, 70, 75, 140, 145, 280, 290].entries())
      await createEngagement(
        cases[i % cases.length],
        payload({
          delivered: true,
          daysAgo,
          format: FORMATS[i % FORMATS.length],
          duration: 60,
          participants: i + 1,
          jurisdictions: i % 2 ? ['OH', 'GU'] : ['DC'],
          topics: i % 4,
          consultants: (i % 3) + 1,
        }),
        director,
        ctx,
      );
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    const rebuilt = await allDerivedRows(t.db.knex);
    const ids = (await t.db.knex('engagements').where({ status: 'delivered' }).orderBy('id').pluck('id')).map(Number);
    assert.ok(ids.length >= 8, `only ${ids.length} delivered engagements to add`);
    await t.db.knex.transaction(async (trx) => {
      await trx('report_rollups').delete();
      await trx('report_rollup_years').delete();
      await addToRollups(trx, ids, 3);
    });
    assert.deepStrictEqual(await allDerivedRows(t.db.knex), rebuilt);
  });

  // Over all engagements, whole calendar years are read from report_rollup_years and the months
  // around them from report_rollups: every split must give what the month rows give alone.
  const RANGES: [string, string][] = [
    ['2025-01', '2026-12'],
    ['2025-03', '2026-06'],
    ['2026-01', '2026-12'],
    ['2026-02', '2026-11'],
    ['2024-07', '2026-12'],
    ['2026-01', '2027-05'],
    ['0000-01', '9999-12'],
    ['0999-02', '2026-12'],
    ['2026-12', '2025-01'],
  ];
  const KINDS: RollupKind[] = ['jurisdiction', 'format', 'topic', 'consultant', 'any_state', 'any_territory'];

  /** The month rows alone, summed as rolledUp sums them. */
  async function fromMonths(kind: RollupKind, from: string, to: string, by?: 'item' | 'year' | 'track', track?: string) {
    const query = t.db.knex('report_rollups').where({ kind, jurisdiction: '' }).whereBetween('month', [from, to]);
    if (track) query.where({ track });
    if (by) query.groupBy(by).select(t.db.knex.raw(`${by} as k`));
    const rows = await query.select(
      t.db.knex.raw('coalesce(sum(engagements), 0) as e'),
      t.db.knex.raw('coalesce(sum(minutes), 0) as m'),
      t.db.knex.raw('coalesce(sum(participants), 0) as p'),
      t.db.knex.raw('min(first_date) as f'),
      t.db.knex.raw('max(last_date) as l'),
    );
    return rows
      .map((r: Record<string, unknown>) => ({
        key: by ? String(r.k) : '',
        engagements: Number(r.e),
        minutes: Number(r.m),
        participants: Number(r.p),
        first_date: r.f == null ? null : String(r.f),
        last_date: r.l == null ? null : String(r.l),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  it('rolledUp and servedPairs, over whole years and the months around them (or none), equal the month rows summed alone', async () => {
    const years = await t.db.knex('report_rollup_years').count({ n: '*' });
    assert.ok(Number(years[0].n) > 0, 'the year rows are there to be read');
    const sorted = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const [from, to] of RANGES) {
      for (const kind of KINDS) {
        for (const by of [undefined, 'item', 'year', 'track'] as const) {
          assert.deepStrictEqual(
            sorted(await rolledUp(kind, { from, to }, {}, by)),
            await fromMonths(kind, from, to, by),
            `${kind} by ${by} over ${from}..${to}`,
          );
        }
        assert.deepStrictEqual(
          await rolledUp(kind, { from, to }, { track: 'ta' }, 'item').then(sorted),
          await fromMonths(kind, from, to, 'item', 'ta'),
          `${kind} of the ta track over ${from}..${to}`,
        );
      }
      const pairs = (await servedPairs({ from, to }, {})).map((p) => `${p.year} ${p.code}`).sort();
      const expected = (
        await t.db
          .knex('report_rollups')
          .where({ kind: 'jurisdiction', jurisdiction: '' })
          .whereBetween('month', [from, to])
          .distinct('year', 'item')
      )
        .map((r: { year: unknown; item: unknown }) => `${Number(r.year)} ${String(r.item)}`)
        .sort();
      assert.deepStrictEqual(pairs, expected, `served pairs over ${from}..${to}`);
    }
  });

  it('migration 2026120600002, run on a database with engagements, fills report_rollup_years as reports:rebuild does', async () => {
    await t.db.knex.transaction((trx) => rebuildRollups(trx));
    const rebuilt = await allDerivedRows(t.db.knex);
    assert.ok(rebuilt.years.length > 0);
    await yearRollups.down(t.db.knex);
    await yearRollups.up(t.db.knex);
    assert.deepStrictEqual(await allDerivedRows(t.db.knex), rebuilt);
  });
});
