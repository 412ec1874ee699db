// The case figures of the reports: cases submitted in a period, their response and assignment
// times, and the open cases by age (the engagement figures are in report.queries.ts).
import type { Knex } from 'knex';
import { Queryable, db } from '../db';
import { secondsBetweenSql } from '../db-sql';
import { num } from '../values';
import { OPEN_STATUSES } from '../vocabulary';
import { ReportFilters, periodInstants } from './report.queries';

/** Cases submitted in the period that match the case filters (the case's own jurisdiction and topics). */
export function casesInPeriod(f: ReportFilters, q: Queryable = db, options: { period?: boolean } = { period: true }): Knex.QueryBuilder {
  const query = q('cases as c');
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

/**
 * The median and 90th percentile of the seconds between submission and a later case timestamp,
 * over the cases of the period where it is set, ranked by the database (window functions) so that
 * only the two values come back, not a row per case. A time never goes below zero (an imported
 * engagement may predate its request). SQLite's julianday difference is off by some microseconds
 * (floating point), which tips a value lying exactly on a rounding edge (1.05 days) the wrong way;
 * timestamps are stored to the millisecond, so the exact value is the nearest millisecond.
 */
export async function responsePercentiles(f: ReportFilters, later: string, q: Queryable = db): Promise<Percentiles> {
  const raw = secondsBetweenSql(`c.${later}`, 'c.submitted_at', q);
  const cases = casesInPeriod(f, q)
    .whereNotNull(`c.${later}`)
    .select(q.raw(`case when ${raw} < 0 then 0 else ${raw} end as v`));
  // ceil(n / 2) and ceil(9n / 10) in whole numbers, on both engines.
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
    return row ? Math.round(num(row.v) * 1000) / 1000 : null;
  };
  return { n, median: at(Math.floor((n + 1) / 2)), p90: at(Math.floor((9 * n + 9) / 10)) };
}

/** How many assigned cases of the period were assigned within the target (business days). */
export async function assignedWithin(
  f: ReportFilters,
  targetDays: number,
  q: Queryable = db,
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
export async function assignmentUnknown(f: ReportFilters, q: Queryable = db): Promise<number> {
  const [{ n }] = await casesInPeriod(f, q).whereNull('c.first_assigned_at').whereNotNull('c.lead_consultant_id').count({ n: '*' });
  return num(n);
}

/** Open cases now (whatever the period), counted by age since submission. */
export async function openCasesByAge(
  f: ReportFilters,
  cutoffs: { label: string; before: string }[],
  q: Queryable = db,
): Promise<{ total: number; buckets: number[] }> {
  const cols = cutoffs.map((c, i) => q.raw(`coalesce(sum(case when c.submitted_at < ? then 1 else 0 end), 0) as b${i}`, [c.before]));
  const [row] = await casesInPeriod(f, q, { period: false })
    .whereIn('c.status', OPEN_STATUSES)
    .select(q.raw('count(*) as total'), ...cols);
  return { total: num(row.total), buckets: cutoffs.map((_, i) => num(row[`b${i}`])) };
}
