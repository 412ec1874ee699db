import assert from 'node:assert/strict';
import { readerOf } from '../../server/db';
import { percentilesByIndexWalk, percentilesBySort, responsePercentiles } from '../../server/queries/report-case.queries';
import { parseReportFilters } from '../../server/services/report.service';
import { describeEachEngine } from '../helpers/db';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { casesIn } from '../helpers/reports-recount';

// The dashboard's response times (median and 90th percentile, nearest rank) come from one of two
// queries: on SQLite a walk along the index of the times in order (migration 2026120600003) when
// the cases asked for are at least a third of those with the time set, otherwise (and always on
// PostgreSQL) a sort by window functions. Each, under every kind of filter, must give what the raw
// rows give, to the millisecond.
const SHAPE: Shape = {
  seed: 53,
  cases: 90,
  engagements: 240,
  consultants: 4,
  codes: ['OH', 'KY', 'DC', 'PR'],
  extraCodes: ['MI', 'OH'],
  neverServedCodes: ['WY'],
  multi: 0.3,
  cancelled: 0.1,
  scheduled: 0.08,
  from: '2017-01-01',
  now: '2024-06-30T12:00:00.000Z',
};

const QUERIES: Record<string, string>[] = [
  {},
  { from: '2019-07-01', to: '2021-03-15' },
  { track: 'network' },
  { jurisdiction: 'OH' },
  { topic: 'equity-lens' },
  { track: 'ta', jurisdiction: 'DC', from: '2018-01-01', to: '2022-12-31' },
  { from: '2020-01-15', to: '2020-01-15' },
];
const LATER = ['first_assigned_at', 'first_engagement_at'] as const;

/** Nearest rank over the raw rows: the ceil(p·n)-th smallest, in seconds to the millisecond. */
function expected(raw: Raw, query: Record<string, string>, later: (typeof LATER)[number]) {
  const f = parseReportFilters(query, 'America/New_York').filters;
  const lags = casesIn(raw, f)
    .map((c) =>
      (later === 'first_assigned_at' ? c.assigned : c.engaged) === null
        ? null
        : Math.max(0, ((later === 'first_assigned_at' ? c.assigned : c.engaged) as number) - c.submitted),
    )
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const at = (tenths: number) => (lags.length ? lags[Math.ceil((tenths * lags.length) / 10) - 1] / 1000 : null);
  return { n: lags.length, median: at(5), p90: at(9) };
}

describeEachEngine('Response-time percentiles, by either way of ranking', (ctx) => {
  let raw: Raw;
  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, SHAPE);
    raw = await loadRaw(ctx.db.knex);
  });

  for (const query of QUERIES) {
    for (const later of LATER) {
      it(`${later}, filtered ${JSON.stringify(query)}: responsePercentiles and the sort equal the raw rows' nearest ranks${ctx.engine === 'sqlite' ? ', and so does the index walk' : ''}`, async () => {
        const f = parseReportFilters(query, 'America/New_York').filters;
        const want = expected(raw, query, later);
        assert.ok(want.n > 0 || Object.keys(query).length > 0, 'the unfiltered period has cases with the time set');
        assert.deepStrictEqual(await responsePercentiles(f, later), want);
        assert.deepStrictEqual(await percentilesBySort(f, later), want);
        if (ctx.engine === 'sqlite' && want.n > 0) assert.deepStrictEqual(await percentilesByIndexWalk(f, later, want.n), want);
      });
    }
  }

  it('on SQLite the whole history walks the index and a single day sorts; on PostgreSQL both sort', async () => {
    const sqls: string[] = [];
    const listen = (q: { sql: string }) => sqls.push(q.sql);
    // The percentiles are read on the reader's connections on SQLite (readerOf), so both are heard.
    const heard = [...new Set([ctx.db.knex, readerOf(ctx.db.knex)])];
    for (const k of heard) k.on('query', listen);
    try {
      const walked = async (query: Record<string, string>) => {
        sqls.length = 0;
        await responsePercentiles(parseReportFilters(query, 'America/New_York').filters, 'first_assigned_at');
        return sqls.some((s) => /indexed by cases_assignment_seconds_index/.test(s));
      };
      assert.equal(await walked({}), ctx.engine === 'sqlite');
      assert.equal(await walked({ from: '2020-01-15', to: '2020-01-15' }), false);
      assert.equal(await walked({ topic: 'equity-lens' }), false);
    } finally {
      for (const k of heard) k.removeListener('query', listen);
    }
  });
});
