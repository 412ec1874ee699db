// The case figures of the reports: cases submitted in a period, their response and assignment
// times, and the open cases by age (the engagement figures are in report.queries.ts).
import type { Knex } from 'knex';
import { Queryable, reads, readTogether } from '../db';
import { secondsBetweenSql, throughIndexSql } from '../db-sql';
import { num } from '../values';
import { OPEN_STATUSES } from '../vocabulary';
import { ReportFilters, periodInstants } from './report.queries';

/** Cases submitted in the period that match the case filters (the case's own jurisdiction and topics). */
export function casesInPeriod(
  f: ReportFilters,
  q: Queryable = reads,
  options: { period?: boolean; from?: Knex.Raw } = { period: true },
): Knex.QueryBuilder {
  const query: Knex.QueryBuilder = options.from ? q.from(options.from) : q('cases as c');
  if (options.period !== false) {
    const [start, end] = periodInstants(f);
    query.where('c.submitted_at', '>=', start).andWhere('c.submitted_at', '<', end);
  }
  if (f.track) query.where('c.track', f.track);
  if (f.jurisdiction) query.where('c.jurisdiction_code', f.jurisdiction);
  if (f.topic) {
    query.whereExists(function () {
      this.select(q.raw('1'))
        .from('case_topics as ct')
        .join('topics as t', 't.id', 'ct.topic_id')
        .whereRaw('ct.case_id = c.id')
        .andWhere('t.slug', f.topic);
    });
  }
  if (f.consultant) {
    query.where((w) =>
      w.where('c.lead_consultant_id', f.consultant as number).orWhereExists(function () {
        this.select(q.raw('1'))
          .from('case_supporters as cs')
          .whereRaw('cs.case_id = c.id')
          .andWhere('cs.user_id', f.consultant as number);
      }),
    );
  }
  return query;
}

/** The median and 90th percentile (nearest rank: the ceil(p·n)-th smallest) of a time, over n cases; null when none. */
interface Percentiles {
  n: number;
  median: number | null;
  p90: number | null;
}

/** The SQLite indexes (migration 2026120600003) that hold each response time in its own order. */
const RESPONSE_INDEX = { first_assigned_at: 'cases_assignment_seconds_index', first_engagement_at: 'cases_engagement_seconds_index' };
type Later = keyof typeof RESPONSE_INDEX;

/** Seconds from submission to `later`, never below zero (an imported engagement may predate its request). */
const responseSeconds = (later: Later, q: Queryable) => {
  const raw = secondsBetweenSql(`c.${later}`, 'c.submitted_at', q);
  return `case when ${raw} < 0 then 0 else ${raw} end`;
};

// SQLite's julianday difference is off by some microseconds (floating point), which tips a value
// lying exactly on a rounding edge (1.05 days) the wrong way; timestamps are stored to the
// millisecond, so the exact value is the nearest millisecond.
const toMillisecond = (v: unknown) => Math.round(num(v) * 1000) / 1000;

// Nearest rank: ceil(n / 2) and ceil(9n / 10), in whole numbers on both engines.
const MEDIAN_RANK = (n: number) => Math.floor((n + 1) / 2);
const P90_RANK = (n: number) => Math.floor((9 * n + 9) / 10);

/**
 * The median and 90th percentile of the seconds between submission and a later case timestamp,
 * over the cases of the period where it is set (and the other filters); only the values at the
 * two ranks come back, never a row per case.
 *
 * SQLite walks an index that holds the times in their order (migration 2026120600003) to each
 * rank, skipping the cases the filters leave out, when the cases asked for are at least a third
 * of those with the time set (the whole-history dashboard): at 20,000 cases that is about 5 ms
 * instead of 20 for a sort. For fewer cases, or under a topic or consultant filter (a lookup for
 * every case walked past), it sorts them, as PostgreSQL always does (a few milliseconds there).
 */
export async function responsePercentiles(f: ReportFilters, later: Later, q: Queryable = reads): Promise<Percentiles> {
  const walk = throughIndexSql('cases', 'c', RESPONSE_INDEX[later], q);
  if (!walk || f.topic || f.consultant) return percentilesBySort(f, later, q);
  const [[{ n: chosen }], [{ n: all }]] = await readTogether(q, [
    () => casesInPeriod(f, q).whereNotNull(`c.${later}`).count({ n: '*' }),
    () => q('cases').whereNotNull(later).count({ n: '*' }),
  ] as const);
  const n = num(chosen);
  if (!n) return { n: 0, median: null, p90: null };
  return 3 * n >= num(all) ? percentilesByIndexWalk(f, later, n, q) : percentilesBySort(f, later, q);
}

/** SQLite: the values at the two ranks of the n cases chosen, read off the index of the times in order. */
export async function percentilesByIndexWalk(f: ReportFilters, later: Later, n: number, q: Queryable = reads): Promise<Percentiles> {
  const seconds = responseSeconds(later, q);
  const at = async (rank: number) => {
    const [row] = await casesInPeriod(f, q, { period: true, from: throughIndexSql('cases', 'c', RESPONSE_INDEX[later], q) })
      .whereNotNull(`c.${later}`)
      .orderByRaw(seconds)
      .offset(rank - 1)
      .limit(1)
      .select(q.raw(`${seconds} as v`));
    return row ? toMillisecond(row.v) : null;
  };
  const [median, p90] = await readTogether(q, [() => at(MEDIAN_RANK(n)), () => at(P90_RANK(n))] as const);
  return { n, median, p90 };
}

/** Both engines: the cases chosen ranked by window functions, in one query. */
export async function percentilesBySort(f: ReportFilters, later: Later, q: Queryable = reads): Promise<Percentiles> {
  const cases = casesInPeriod(f, q)
    .whereNotNull(`c.${later}`)
    .select(q.raw(`${responseSeconds(later, q)} as v`));
  const rows: Record<string, unknown>[] = await q
    .with('s', cases)
    .with('r', q.raw('select v, row_number() over (order by v) as rn, count(*) over () as n from s'))
    .from('r')
    .whereRaw('rn = (n + 1) / 2 or rn = (9 * n + 9) / 10')
    .select('v', 'rn', 'n');
  if (!rows.length) return { n: 0, median: null, p90: null };
  const n = num(rows[0].n);
  const at = (rank: number) => {
    const row = rows.find((r) => num(r.rn) === rank);
    return row ? toMillisecond(row.v) : null;
  };
  return { n, median: at(MEDIAN_RANK(n)), p90: at(P90_RANK(n)) };
}

/** How many assigned cases of the period were assigned within the target (business days). */
export async function assignedWithin(
  f: ReportFilters,
  targetDays: number,
  q: Queryable = reads,
): Promise<{ within: number; assigned: number }> {
  const [row] = await casesInPeriod(f, q)
    .whereNotNull('c.first_assigned_at')
    .select(
      q.raw('count(*) as assigned'),
      q.raw('coalesce(sum(case when c.assignment_business_days <= ? then 1 else 0 end), 0) as within', [targetDays]),
    );
  return { within: num(row.within), assigned: num(row.assigned) };
}

/** Cases of the period with a lead but no known assignment time (imported without one): left out of the assignment figures. */
export async function assignmentUnknown(f: ReportFilters, q: Queryable = reads): Promise<number> {
  const [{ n }] = await casesInPeriod(f, q).whereNull('c.first_assigned_at').whereNotNull('c.lead_consultant_id').count({ n: '*' });
  return num(n);
}

/** Open cases now (whatever the period), counted by age since submission. */
export async function openCasesByAge(
  f: ReportFilters,
  cutoffs: { label: string; before: string }[],
  q: Queryable = reads,
): Promise<{ total: number; buckets: number[] }> {
  const cols = cutoffs.map((c, i) => q.raw(`coalesce(sum(case when c.submitted_at < ? then 1 else 0 end), 0) as b${i}`, [c.before]));
  const [row] = await casesInPeriod(f, q, { period: false })
    .whereIn('c.status', OPEN_STATUSES)
    .select(q.raw('count(*) as total'), ...cols);
  return { total: num(row.total), buckets: cutoffs.map((_, i) => num(row[`b${i}`])) };
}
