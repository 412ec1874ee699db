// feedbackSummary against a recount made here, in plain code, from the fixture's own description.
import assert from 'node:assert/strict';
import { rebuildRollups } from '../../server/queries/report-rollup.queries';
import { nowIso } from '../../server/values';
import { FeedbackFigures, feedbackSummary } from '../../server/queries/feedback.queries';
import type { ReportFilters } from '../../server/queries/report.queries';
import { makeUser } from '../helpers/auth';
import { makeCase } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';

type Who = 'A' | 'B' | 'C' | 'D';
type Format = 'one_on_one' | 'small_group' | 'online_training';
interface Spec {
  track: 'ta' | 'network' | 'cohort';
  jurisdiction: string;
  status: 'completed' | 'in_progress' | 'withdrawn';
  closedAt: string | null;
  rating?: [number, number, number];
  engagements: { status: 'delivered' | 'scheduled' | 'cancelled'; format: Format; by: Who[] }[];
}

const NAMES: Record<Who, string> = { A: 'Avery Able', B: 'Blake Bright', C: 'Casey Calm', D: 'Dana Deep' };

// March 2025 in New York runs from 05:00Z on the 1st (EST) to 04:00Z on April 1st (EDT since the 9th).
const MARCH = { from: '2025-03-01', to: '2025-03-31', timeZone: 'America/New_York' };
const MARCH_START = Date.parse('2025-03-01T05:00:00Z');
const MARCH_END = Date.parse('2025-04-01T04:00:00Z');

const FIXTURE: Spec[] = [
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-03-05T15:00:00.000Z',
    rating: [5, 4, 3],
    engagements: [
      { status: 'delivered', format: 'one_on_one', by: ['A'] },
      { status: 'delivered', format: 'small_group', by: ['A', 'B'] },
    ],
  },
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-03-10T12:00:00.000Z',
    rating: [3, 3, 4],
    engagements: [
      { status: 'delivered', format: 'small_group', by: ['B'] },
      { status: 'scheduled', format: 'online_training', by: ['C'] },
      { status: 'cancelled', format: 'one_on_one', by: ['C'] },
    ],
  },
  {
    track: 'ta',
    jurisdiction: 'MI',
    status: 'completed',
    closedAt: '2025-03-20T12:00:00.000Z',
    engagements: [{ status: 'delivered', format: 'online_training', by: ['A'] }],
  },
  // 23:30 on March 31st in New York: in the period, though April in UTC.
  {
    track: 'network',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-04-01T03:30:00.000Z',
    rating: [2, 5, 5],
    engagements: [
      { status: 'delivered', format: 'one_on_one', by: ['C'] },
      { status: 'delivered', format: 'one_on_one', by: ['C'] },
    ],
  },
  // 23:30 on February 28th in New York: before the period, though March in UTC.
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-03-01T04:30:00.000Z',
    rating: [1, 1, 1],
    engagements: [{ status: 'delivered', format: 'one_on_one', by: ['A'] }],
  },
  // 00:30 on April 1st in New York: after the period.
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-04-01T04:30:00.000Z',
    rating: [1, 2, 1],
    engagements: [{ status: 'delivered', format: 'small_group', by: ['B'] }],
  },
  // Reopened after its answer: not completed any more.
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'in_progress',
    closedAt: null,
    rating: [4, 4, 4],
    engagements: [{ status: 'delivered', format: 'small_group', by: ['A'] }],
  },
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'withdrawn',
    closedAt: '2025-03-15T12:00:00.000Z',
    engagements: [{ status: 'delivered', format: 'one_on_one', by: ['A'] }],
  },
  // An imported record may have no engagement: it counts overall, under no format or consultant.
  { track: 'cohort', jurisdiction: 'MI', status: 'completed', closedAt: '2025-03-25T12:00:00.000Z', rating: [4, 2, 5], engagements: [] },
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2025-03-28T12:00:00.000Z',
    rating: [5, 5, 2],
    engagements: [{ status: 'delivered', format: 'online_training', by: ['B', 'C'] }],
  },
  {
    track: 'ta',
    jurisdiction: 'MI',
    status: 'completed',
    closedAt: '2025-03-12T12:00:00.000Z',
    engagements: [{ status: 'delivered', format: 'small_group', by: ['C'] }],
  },
  // Around the year rows (report_feedback_years, by UTC year): early and late in 2024 and 2026, and
  // 21:00 on December 31st 2024 in New York, which is 2025 in UTC.
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2024-03-10T12:00:00.000Z',
    rating: [1, 2, 3],
    engagements: [{ status: 'delivered', format: 'one_on_one', by: ['A'] }],
  },
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2024-11-15T12:00:00.000Z',
    rating: [4, 4, 4],
    engagements: [{ status: 'delivered', format: 'one_on_one', by: ['A', 'B'] }],
  },
  {
    track: 'network',
    jurisdiction: 'MI',
    status: 'completed',
    closedAt: '2025-01-01T02:00:00.000Z',
    rating: [2, 3, 4],
    engagements: [{ status: 'delivered', format: 'small_group', by: ['B'] }],
  },
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2026-01-31T12:00:00.000Z',
    engagements: [{ status: 'delivered', format: 'online_training', by: ['C'] }],
  },
  {
    track: 'ta',
    jurisdiction: 'MI',
    status: 'completed',
    closedAt: '2026-12-15T12:00:00.000Z',
    rating: [5, 1, 5],
    engagements: [{ status: 'delivered', format: 'small_group', by: ['A'] }],
  },
  // D's one case: in 2026's row, and taken away again by a period that ends in November 2026 (D is
  // then no row, not a row of zero cases).
  {
    track: 'ta',
    jurisdiction: 'OH',
    status: 'completed',
    closedAt: '2026-12-20T12:00:00.000Z',
    rating: [3, 3, 3],
    engagements: [{ status: 'delivered', format: 'online_training', by: ['D'] }],
  },
];

// Periods over the year rows, with their ends in New York as instants: each end is read from the
// raw cases, added (the part of a year inside the period) or taken away from the year's row (the
// part outside), whichever is shorter.
const YEAR_PERIODS = [
  // Whole 2024 and 2025, less 2024's first five hours (UTC), plus 2026's.
  { title: '2024 to 2025', from: '2024-01-01', to: '2025-12-31', start: '2024-01-01T05:00:00Z', end: '2026-01-01T05:00:00Z' },
  // 2025 whole, and December 2024 and two months of 2026 added from the raw cases.
  {
    title: 'December 2024 to February 2026',
    from: '2024-12-01',
    to: '2026-02-28',
    start: '2024-12-01T05:00:00Z',
    end: '2026-03-01T05:00:00Z',
  },
  // 2024 to 2026 less the first five months of 2024 and December 2026, taken away.
  { title: 'June 2024 to November 2026', from: '2024-06-01', to: '2026-11-30', start: '2024-06-01T04:00:00Z', end: '2026-12-01T05:00:00Z' },
];

type Row = FeedbackFigures & { key: string; label?: string };

/** The figures of a group of cases, counted in plain code. */
function figuresOf(specs: Spec[]): FeedbackFigures {
  const rated = specs.filter((s) => s.rating);
  const mean = (i: number) => (rated.length ? rated.reduce((sum, s) => sum + (s.rating as number[])[i], 0) / rated.length : null);
  return { completed: specs.length, answered: rated.length, quality: mean(0), relevance: mean(1), usefulness: mean(2) };
}

/** The recount: cases completed in March (New York), under the filters, by nothing, format or consultant. */
function recount(
  filters: { track?: string; jurisdiction?: string },
  by: 'all' | 'format' | 'consultant',
  ids: Record<Who, number>,
  start = MARCH_START,
  end = MARCH_END,
): Row[] {
  const counted = FIXTURE.filter(
    (s) =>
      s.status === 'completed' &&
      s.closedAt !== null &&
      Date.parse(s.closedAt) >= start &&
      Date.parse(s.closedAt) < end &&
      (!filters.track || s.track === filters.track) &&
      (!filters.jurisdiction || s.jurisdiction === filters.jurisdiction),
  );
  if (by === 'all') return [{ key: 'all', ...figuresOf(counted) }];
  const delivered = (s: Spec) => s.engagements.filter((e) => e.status === 'delivered');
  if (by === 'format') {
    const formats = [...new Set(counted.flatMap((s) => delivered(s).map((e) => e.format)))].sort();
    return formats.map((f) => ({ key: f, ...figuresOf(counted.filter((s) => delivered(s).some((e) => e.format === f))) }));
  }
  const people = [...new Set(counted.flatMap((s) => delivered(s).flatMap((e) => e.by)))].sort((a, b) => NAMES[a].localeCompare(NAMES[b]));
  return people.map((p) => ({
    key: String(ids[p]),
    label: NAMES[p],
    ...figuresOf(counted.filter((s) => delivered(s).some((e) => e.by.includes(p)))),
  }));
}

/** Counts equal, means equal to the two decimals the query keeps. */
function assertSame(actual: Row[], expected: Row[], what: string): void {
  assert.deepEqual(
    actual.map((r) => [r.key, r.label, r.completed, r.answered]),
    expected.map((r) => [r.key, r.label, r.completed, r.answered]),
    what,
  );
  actual.forEach((row, i) => {
    for (const m of ['quality', 'relevance', 'usefulness'] as const) {
      const want = expected[i][m];
      if (want === null) assert.equal(row[m], null, `${what}: ${row.key} ${m}`);
      else
        assert.ok(row[m] !== null && Math.abs(row[m] - want) <= 0.005 + 1e-9, `${what}: ${row.key} ${m} is ${row[m]}, the recount ${want}`);
    }
  });
}

describeEachEngine('Feedback figures (feedbackSummary)', (ctx) => {
  const ids = {} as Record<Who, number>;

  before(async () => {
    for (const who of ['A', 'B', 'C', 'D'] as Who[]) ids[who] = (await makeUser({ name: NAMES[who], active: who !== 'C' })).id;
    const at = nowIso();
    for (const spec of FIXTURE) {
      const kase = await makeCase(ctx.db.knex);
      await ctx.db
        .knex('cases')
        .where({ id: kase.id })
        .update({ track: spec.track, jurisdiction_code: spec.jurisdiction, status: spec.status, closed_at: spec.closedAt });
      if (spec.rating) {
        const [quality, relevance, usefulness] = spec.rating;
        await ctx.db.knex('feedback').insert({ case_id: kase.id, quality, relevance, usefulness, comment: null, created_at: at });
      }
      for (const [i, e] of spec.engagements.entries()) {
        const date = `2025-02-${String(10 + i).padStart(2, '0')}`;
        const [row] = await ctx.db
          .knex('engagements')
          .insert({
            case_id: kase.id,
            date,
            year: 2025,
            month: 2,
            duration_minutes: 60,
            format: e.format,
            status: e.status,
            participant_count: 3,
            summary: e.status === 'delivered' ? 'Done.' : null,
            created_at: at,
            updated_at: at,
          })
          .returning('id');
        const engagementId = Number(typeof row === 'object' ? row.id : row);
        await ctx.db.knex('engagement_consultants').insert(e.by.map((who) => ({ engagement_id: engagementId, user_id: ids[who] })));
      }
    }
    // Written around the app: the report roll-ups are made from these rows, as `reports:rebuild` does.
    await ctx.db.knex.transaction((trx) => rebuildRollups(trx));
  });

  const cases: { title: string; filters: { track?: string; jurisdiction?: string } }[] = [
    { title: 'no filter', filters: {} },
    { title: 'the TA track', filters: { track: 'ta' } },
    { title: 'Ohio', filters: { jurisdiction: 'OH' } },
    { title: 'the TA track in Michigan', filters: { track: 'ta', jurisdiction: 'MI' } },
  ];

  for (const { title, filters } of cases) {
    for (const by of ['all', 'format', 'consultant'] as const) {
      it(`feedbackSummary, by ${by}, for March under ${title}, equals the recount`, async () => {
        const actual = await feedbackSummary({ ...MARCH, ...filters }, by);
        const expected = recount(filters, by, ids);
        // The fixture is meant to exercise something under each filter.
        assert.ok(expected.length > 0 && expected[0].completed > 0, 'the recount is empty');
        assertSame(actual, expected, `${by}, ${title}`);
      });
    }
  }

  for (const period of YEAR_PERIODS) {
    for (const { title, filters } of cases.slice(0, 3)) {
      for (const by of ['all', 'format', 'consultant'] as const) {
        it(`feedbackSummary, by ${by}, from ${period.title} under ${title}, equals the recount`, async () => {
          const actual = await feedbackSummary({ from: period.from, to: period.to, timeZone: MARCH.timeZone, ...filters }, by);
          const expected = recount(filters, by, ids, Date.parse(period.start), Date.parse(period.end));
          assert.ok(expected.length > 0 && expected[0].completed > 0, 'the recount is empty');
          assertSame(actual, expected, `${by}, ${period.title}, ${title}`);
        });
      }
    }
  }

  it('feedbackSummary, for whole years, reads the year rows (a row changed around the app shows), and a jurisdiction filter reads the cases', async () => {
    const year2025 = { from: '2025-01-01', to: '2025-12-31', timeZone: 'UTC' } as ReportFilters;
    const [before] = await feedbackSummary(year2025, 'all');
    const row = { kind: 'all', calendar_year: 2025, track: 'ta' };
    await ctx.db.knex('report_feedback_years').where(row).increment('completed', 100);
    try {
      const [after] = await feedbackSummary(year2025, 'all');
      assert.equal(after.completed, before.completed + 100);
      const [ohio] = await feedbackSummary({ ...year2025, jurisdiction: 'OH' }, 'all');
      assert.equal(
        ohio.completed,
        recount({ jurisdiction: 'OH' }, 'all', ids, Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'))[0].completed,
      );
    } finally {
      await ctx.db.knex('report_feedback_years').where(row).decrement('completed', 100);
    }
  });

  it('feedbackSummary, by all, for March, counts 7 completed, 5 answered: the response rate the dashboard shows is 5/7', async () => {
    const [all] = await feedbackSummary(MARCH, 'all');
    assert.deepEqual([all.completed, all.answered], [7, 5]);
    assert.equal(Math.round((all.answered / all.completed) * 1000) / 10, 71.4);
    // (5 + 3 + 2 + 4 + 5) / 5
    assert.equal(all.quality, 3.8);
  });

  it('feedbackSummary, for a period with no completed case, gives zero counts, no means and no groups', async () => {
    const empty = { from: '2024-01-01', to: '2024-01-31', timeZone: 'America/New_York' } as ReportFilters;
    assert.deepEqual(await feedbackSummary(empty, 'all'), [
      { key: 'all', completed: 0, answered: 0, quality: null, relevance: null, usefulness: null },
    ]);
    assert.deepEqual(await feedbackSummary(empty, 'format'), []);
    assert.deepEqual(await feedbackSummary(empty, 'consultant'), []);
  });

  it('feedbackSummary, for February (New York), counts only the case closed late on February 28th', async () => {
    const feb = { from: '2025-02-01', to: '2025-02-28', timeZone: 'America/New_York' } as ReportFilters;
    const [all] = await feedbackSummary(feb, 'all');
    assert.deepEqual(all, { key: 'all', completed: 1, answered: 1, quality: 1, relevance: 1, usefulness: 1 });
    assertSame(
      await feedbackSummary(feb, 'consultant'),
      recount({}, 'consultant', ids, Date.parse('2025-02-01T05:00:00Z'), MARCH_START),
      'consultant, February',
    );
  });
});
