import type { Knex } from 'knex';
import { Queryable, db, listAggSql } from '../db';
import { num } from '../values';
import { ReportFilters, casesInPeriod, deliveredEngagements } from './report.queries';

/** Delivered engagements behind the figures, one row each, with their lists joined as text. */
function engagementRows(f: ReportFilters, q: Queryable = db): Knex.QueryBuilder {
  return deliveredEngagements(f, q, { withCase: true })
    .select(
      'e.id',
      'c.id as case_id',
      'c.reference',
      'c.track',
      'e.date',
      'e.start_time',
      'e.duration_minutes',
      'e.format',
      'e.status',
      'e.participant_count',
      q.raw(
        `(select ${listAggSql('ej.jurisdiction_code', q)} from engagement_jurisdictions ej where ej.engagement_id = e.id) as jurisdictions`,
      ),
      q.raw(
        `(select ${listAggSql('u.name', q)} from engagement_consultants ec join users u on u.id = ec.user_id where ec.engagement_id = e.id) as consultants`,
      ),
      q.raw(
        `(select ${listAggSql('t.name', q)} from engagement_topics et join topics t on t.id = et.topic_id where et.engagement_id = e.id) as topics`,
      ),
    )
    .orderBy('e.date', 'desc')
    .orderBy('e.id', 'desc');
}

/** Cases submitted in the period under the case filters, one row each. */
function caseRows(f: ReportFilters, q: Queryable = db): Knex.QueryBuilder {
  return casesInPeriod(f, q)
    .join('jurisdictions as j', 'j.code', 'c.jurisdiction_code')
    .leftJoin('users as lead', 'lead.id', 'c.lead_consultant_id')
    .select(
      'c.id',
      'c.reference',
      'c.track',
      'c.status',
      'c.priority',
      'c.source',
      'c.jurisdiction_code',
      'j.name as jurisdiction_name',
      'c.title',
      'c.requester_name',
      'c.organization_name',
      'c.submitted_at',
      'c.first_assigned_at',
      'c.first_engagement_at',
      'c.closed_at',
      'lead.name as lead_name',
    )
    .orderBy('c.submitted_at', 'desc')
    .orderBy('c.id', 'desc');
}

/** How many rows an export reads at a time. */
export const EXPORT_PAGE_SIZE = 250;

/** Where the next page of an export starts: after the last row read, in the export's own order. */
type After = (query: Knex.QueryBuilder, last: Record<string, unknown>) => Knex.QueryBuilder;

/** After an engagement row, in engagementRows' order (newest date first, then highest id). */
const afterEngagement: After = (query, last) =>
  query.where((w) =>
    w
      .where('e.date', '<', last.date as string)
      .orWhere((x) => x.where('e.date', last.date as string).andWhere('e.id', '<', last.id as number)),
  );

/** After a case row, in caseRows' order (latest submission first, then highest id). */
const afterCase: After = (query, last) =>
  query.where((w) =>
    w
      .where('c.submitted_at', '<', last.submitted_at as string)
      .orWhere((x) => x.where('c.submitted_at', last.submitted_at as string).andWhere('c.id', '<', last.id as number)),
  );

type Row = Record<string, unknown>;

/**
 * The rows of a query (which must have a total order), read a page at a time so that an export
 * never holds them all. Each page starts after the last row of the one before (not at an offset,
 * which the database would count off again for every page: minutes for a decade of engagements).
 * Paging rather than driver streaming: knex streams from PostgreSQL only through the
 * pg-query-stream package, which the app does not use, and paging works alike on both.
 */
async function* inPages(build: () => Knex.QueryBuilder, after: After, size: number): AsyncGenerator<Row> {
  let last: Row | undefined;
  for (;;) {
    const query = build();
    const rows: Row[] = await (last ? after(query, last) : query).limit(size);
    for (const row of rows) yield row;
    if (rows.length < size) return;
    last = rows[rows.length - 1];
  }
}

/** Every delivered engagement behind the figures (engagementRows' order), read EXPORT_PAGE_SIZE rows at a time. */
export function allEngagementRows(f: ReportFilters, size = EXPORT_PAGE_SIZE, q: Queryable = db): AsyncGenerator<Row> {
  return inPages(() => engagementRows(f, q), afterEngagement, size);
}

/** Every case of the period under the case filters (caseRows' order), read EXPORT_PAGE_SIZE rows at a time. */
export function allCaseRows(f: ReportFilters, size = EXPORT_PAGE_SIZE, q: Queryable = db): AsyncGenerator<Row> {
  return inPages(() => caseRows(f, q), afterCase, size);
}

/** A page of a list: `limit` rows from `offset`. */
export interface Slice {
  limit: number;
  offset: number;
}

/** One page of the delivered engagements behind the figures. */
export async function engagementRowsPage(f: ReportFilters, slice: Slice, q: Queryable = db): Promise<Row[]> {
  return engagementRows(f, q).limit(slice.limit).offset(slice.offset);
}

/** How many delivered engagements are behind the figures. */
export async function engagementRowCount(f: ReportFilters, q: Queryable = db): Promise<number> {
  const [{ n }] = await engagementRows(f, q).clearSelect().clearOrder().count({ n: '*' });
  return num(n);
}

/** One page of the cases of the period under the case filters. */
export async function caseRowsPage(f: ReportFilters, slice: Slice, q: Queryable = db): Promise<Row[]> {
  return caseRows(f, q).limit(slice.limit).offset(slice.offset);
}

/** How many cases of the period match the case filters. */
export async function caseRowCount(f: ReportFilters, q: Queryable = db): Promise<number> {
  const [{ n }] = await caseRows(f, q).clearSelect().clearOrder().count({ n: '*' });
  return num(n);
}
