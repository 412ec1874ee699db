import type { Knex } from 'knex';
import { Queryable, reads } from '../db';
import { num } from '../values';
import { addDays, zonedToUtc } from '../dates';

/** The filters every report takes (PRODUCT.md, "Reports"). Dates are YYYY-MM-DD, inclusive. */
export interface ReportFilters {
  from: string;
  to: string;
  track?: string;
  format?: string;
  topic?: string;
  consultant?: number;
  jurisdiction?: string;
  /** The program's time zone: a day of the period runs from its midnight there (default UTC). */
  timeZone?: string;
}

/** The instants that open and close the period, [start, end), in the filters' time zone. */
export function periodInstants(f: Pick<ReportFilters, 'from' | 'to' | 'timeZone'>): [string, string] {
  const zone = f.timeZone ?? 'UTC';
  return [zonedToUtc(f.from, '00:00', zone).toISOString(), zonedToUtc(addDays(f.to, 1), '00:00', zone).toISOString()];
}

export interface Totals {
  engagements: number;
  minutes: number;
  participants: number;
}

/**
 * Delivered engagements in the period that match the filters, as `e` (joined to their case `c`).
 * Topic, consultant and jurisdiction match when the engagement lists them.
 */
export function deliveredEngagements(f: ReportFilters, q: Queryable = reads, options: { withCase?: boolean } = {}): Knex.QueryBuilder {
  // The case is joined only when its columns are read: the aggregates then run on the covering
  // index of engagements alone (status, date, year, format, duration, participants, case).
  const query = q('engagements as e').where('e.status', 'delivered').whereBetween('e.date', [f.from, f.to]);
  if (options.withCase) query.join('cases as c', 'c.id', 'e.case_id');
  if (f.track) query.whereIn('e.case_id', q('cases').where('track', f.track).select('id'));
  if (f.format) query.where('e.format', f.format);
  if (f.topic) {
    query.whereExists(function () {
      this.select(q.raw('1'))
        .from('engagement_topics as et')
        .join('topics as t', 't.id', 'et.topic_id')
        .whereRaw('et.engagement_id = e.id')
        .andWhere('t.slug', f.topic);
    });
  }
  if (f.consultant) {
    query.whereExists(function () {
      this.select(q.raw('1')).from('engagement_consultants as ec').whereRaw('ec.engagement_id = e.id').andWhere('ec.user_id', f.consultant);
    });
  }
  // A join (one row at most: the pair is the key) on the copies of status and date kept on
  // engagement_jurisdictions (equal to the engagement's: migration 2026120517003), so that the
  // jurisdiction's index drives the query: a few thousand engagements, not all of them.
  if (f.jurisdiction) {
    query.join('engagement_jurisdictions as ejf', (j) =>
      j
        .on('ejf.engagement_id', 'e.id')
        .andOnVal('ejf.jurisdiction_code', f.jurisdiction as string)
        .andOnVal('ejf.status', 'delivered')
        .andOnVal('ejf.date', '>=', f.from)
        .andOnVal('ejf.date', '<=', f.to),
    );
  }
  return query;
}

/**
 * The columns that order the rows of deliveredEngagements newest first, date then id: under a
 * jurisdiction, engagement_jurisdictions' own copies, so that its index gives the order (and a
 * page of an export starts in it); otherwise the engagement's.
 */
export function dateAndIdColumns(f: Pick<ReportFilters, 'jurisdiction'>): [date: string, id: string] {
  return f.jurisdiction ? ['ejf.date', 'ejf.engagement_id'] : ['e.date', 'e.id'];
}

const sums = (q: Queryable) => [
  q.raw('count(*) as engagements'),
  q.raw('coalesce(sum(e.duration_minutes), 0) as minutes'),
  q.raw('coalesce(sum(e.participant_count), 0) as participants'),
];
const toTotals = (r: Record<string, unknown>): Totals => ({
  engagements: num(r.engagements),
  minutes: num(r.minutes),
  participants: num(r.participants),
});

export async function totals(f: ReportFilters, q: Queryable = reads): Promise<Totals> {
  const [row] = await deliveredEngagements(f, q).select(sums(q));
  return toTotals(row);
}

/**
 * Distinct totals of the delivered engagements that list at least one of something: a state (50
 * + DC), a territory, a topic or a consultant. A table that credits an engagement in full under
 * each of its states (or topics, consultants) has this as its total row, not the sum of its rows.
 */
export async function distinctTotals(
  f: ReportFilters,
  listing: 'state' | 'territory' | 'topic' | 'consultant',
  q: Queryable = reads,
): Promise<Totals> {
  const query = deliveredEngagements(f, q);
  query.whereExists(function () {
    if (listing === 'topic') this.select(q.raw('1')).from('engagement_topics as dt').whereRaw('dt.engagement_id = e.id');
    else if (listing === 'consultant') this.select(q.raw('1')).from('engagement_consultants as dc').whereRaw('dc.engagement_id = e.id');
    else {
      this.select(q.raw('1'))
        .from('engagement_jurisdictions as dj')
        .join('jurisdictions as jj', 'jj.code', 'dj.jurisdiction_code')
        .whereRaw('dj.engagement_id = e.id');
      if (listing === 'territory') this.where('jj.kind', 'territory');
      else this.whereNot('jj.kind', 'territory');
      if (f.jurisdiction) this.where('dj.jurisdiction_code', f.jurisdiction);
    }
  });
  const [row] = await query.select(sums(q));
  return toTotals(row);
}

/** Distinct jurisdictions served in each year of the period: year → codes. */
export async function servedByYear(f: ReportFilters, q: Queryable = reads): Promise<Map<number, string[]>> {
  const { jurisdiction, ...rest } = f;
  const query = deliveredEngagements(rest, q).join('engagement_jurisdictions as ey', 'ey.engagement_id', 'e.id');
  if (jurisdiction) query.where('ey.jurisdiction_code', jurisdiction);
  const rows = await query.distinct('e.year as year', 'ey.jurisdiction_code as code');
  const out = new Map<number, string[]>();
  for (const r of rows as { year: unknown; code: unknown }[]) {
    const year = Number(r.year);
    if (!out.has(year)) out.set(year, []);
    (out.get(year) as string[]).push(String(r.code));
  }
  return out;
}

export interface CoverageRow extends Totals {
  code: string;
  first_served: string;
  last_served: string;
}

/**
 * Each served jurisdiction (a delivered engagement in the period lists it) with its first and
 * last served date and the engagements, hours and participants of the engagements listing it.
 */
export async function coverage(f: ReportFilters, q: Queryable = reads): Promise<CoverageRow[]> {
  const { jurisdiction, ...rest } = f;
  const query = deliveredEngagements(rest, q).join('engagement_jurisdictions as ej', 'ej.engagement_id', 'e.id');
  if (jurisdiction) query.where('ej.jurisdiction_code', jurisdiction);
  const rows = await query
    .groupBy('ej.jurisdiction_code')
    .select('ej.jurisdiction_code as code', q.raw('min(e.date) as first_served'), q.raw('max(e.date) as last_served'), ...sums(q))
    .orderBy('ej.jurisdiction_code');
  return rows.map((r: Record<string, unknown>) => ({
    code: String(r.code),
    first_served: String(r.first_served),
    last_served: String(r.last_served),
    ...toTotals(r),
  }));
}

export type Dimension = 'year' | 'track' | 'format' | 'topic' | 'consultant';

/** Delivered engagements grouped by one dimension; an engagement counts once in each group it is in. */
export async function breakdown(
  f: ReportFilters,
  by: Dimension,
  q: Queryable = reads,
): Promise<(Totals & { key: string; label?: string })[]> {
  const query = deliveredEngagements(f, q, { withCase: by === 'track' });
  let key: string;
  let label: string | undefined;
  switch (by) {
    case 'year':
      key = 'e.year';
      break;
    case 'track':
      key = 'c.track';
      break;
    case 'format':
      key = 'e.format';
      break;
    case 'topic':
      query.join('engagement_topics as bt', 'bt.engagement_id', 'e.id').join('topics as tp', 'tp.id', 'bt.topic_id');
      key = 'tp.slug';
      label = 'tp.name';
      break;
    case 'consultant':
      query.join('engagement_consultants as bc', 'bc.engagement_id', 'e.id').join('users as u', 'u.id', 'bc.user_id');
      key = 'u.id';
      label = 'u.name';
      break;
  }
  const groups = label ? [key, label] : [key];
  const rows = await query
    .groupBy(groups)
    .select(q.raw(`${key} as "key"`), ...(label ? [q.raw(`${label} as label`)] : []), ...sums(q))
    .orderBy(key);
  return rows.map((r: Record<string, unknown>) => ({
    key: String(r.key),
    ...(r.label !== undefined ? { label: String(r.label) } : {}),
    ...toTotals(r),
  }));
}
