// The reads of the report roll-ups (their upkeep is in report-rollup.queries.ts): sums of the
// rows of one kind over whole months, by year rows for the whole calendar years among them.
import type { Knex } from 'knex';
import { Queryable, reads } from '../db';
import { monthOf } from './report-rollup.queries';

export type RollupKind =
  'format' | 'jurisdiction' | 'topic' | 'consultant' | 'any_state' | 'any_territory' | 'any_topic' | 'any_consultant';

export interface RolledUp {
  key: string;
  engagements: number;
  minutes: number;
  participants: number;
  first_date: string | null;
  last_date: string | null;
}

/** Which roll-up rows to add up: a track, an item, and the engagements listing a jurisdiction (all when none). */
interface RollupWhere {
  track?: string;
  item?: string;
  jurisdiction?: string;
}

/**
 * The roll-up rows of one kind over whole months [from, to] (YYYY-MM), under a track, an item and a
 * jurisdiction when given. Over all engagements (no jurisdiction), the whole calendar years of the
 * period come from the year rows, and only the months before and after them from the month rows.
 */
function rollupRows(kind: RollupKind, months: { from: string; to: string }, where: RollupWhere, q: Queryable) {
  const columns = ['track', 'item', 'year', 'engagements', 'minutes', 'participants', 'first_date', 'last_date'];
  const filtered = (query: Knex.QueryBuilder) => {
    if (where.track) query.where('track', where.track);
    if (where.item !== undefined) query.where('item', where.item);
    return query.select(columns);
  };
  const monthRows = (from: string, to: string) =>
    filtered(
      q('report_rollups')
        .where({ kind, jurisdiction: where.jurisdiction ?? '' })
        .whereBetween('month', [from, to]),
    );
  const firstYear = Number(months.from.slice(0, 4)) + (months.from.endsWith('-01') ? 0 : 1);
  const lastYear = Number(months.to.slice(0, 4)) - (months.to.endsWith('-12') ? 0 : 1);
  if (where.jurisdiction || firstYear > lastYear) return monthRows(months.from, months.to);
  const parts = [filtered(q('report_rollup_years').where({ kind }).whereBetween('calendar_year', [firstYear, lastYear]))];
  if (months.from < monthOf(firstYear, 1)) parts.push(monthRows(months.from, monthOf(firstYear - 1, 12)));
  if (months.to > monthOf(lastYear, 12)) parts.push(monthRows(monthOf(lastYear + 1, 1), months.to));
  const [first, ...rest] = parts;
  return rest.length ? first.unionAll(rest) : first;
}

/**
 * Sums of the roll-up rows of one kind over whole months [fromMonth, toMonth] (YYYY-MM), under a
 * track, an item and a jurisdiction when given, grouped by `by` (one group of key '' when none).
 */
export async function rolledUp(
  kind: RollupKind,
  months: { from: string; to: string },
  where: RollupWhere,
  by?: 'item' | 'year' | 'track',
  q: Queryable = reads,
): Promise<RolledUp[]> {
  const query = q.from(rollupRows(kind, months, where, q).as('r'));
  if (by) query.groupBy(by).select(q.raw(`${by} as k`));
  const rows = await query.select(
    q.raw('coalesce(sum(engagements), 0) as engagements'),
    q.raw('coalesce(sum(minutes), 0) as minutes'),
    q.raw('coalesce(sum(participants), 0) as participants'),
    q.raw('min(first_date) as first_date'),
    q.raw('max(last_date) as last_date'),
  );
  return rows.map((r: Record<string, unknown>) => ({
    key: by ? String(r.k) : '',
    engagements: Number(r.engagements ?? 0),
    minutes: Number(r.minutes ?? 0),
    participants: Number(r.participants ?? 0),
    first_date: r.first_date == null ? null : String(r.first_date),
    last_date: r.last_date == null ? null : String(r.last_date),
  }));
}

/** The distinct (year, jurisdiction) pairs served in whole months [fromMonth, toMonth], under a track and a jurisdiction when given. */
export async function servedPairs(
  months: { from: string; to: string },
  where: { track?: string; item?: string },
  q: Queryable = reads,
): Promise<{ year: number; code: string }[]> {
  const rows = await q.from(rollupRows('jurisdiction', months, where, q).as('r')).distinct('year', 'item');
  return rows.map((r: Record<string, unknown>) => ({ year: Number(r.year), code: String(r.item) }));
}
