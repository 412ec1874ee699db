import type { Knex } from 'knex';
import { Queryable, reads, readTogether } from '../db';
import { num } from '../values';
import { casesInPeriod } from './report-case.queries';
import { ReportFilters, dateAndIdColumns, deliveredEngagements } from './report.queries';

/** Delivered engagements behind the figures, one row each (their lists are added by `withLists`). */
function engagementRows(f: ReportFilters, q: Queryable = reads): Knex.QueryBuilder {
  const [date, id] = dateAndIdColumns(f);
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
    )
    .orderBy(date, 'desc')
    .orderBy(id, 'desc');
}

type Row = Record<string, unknown>;

/**
 * Adds to engagement rows their jurisdictions, consultants and topics, each joined as text in
 * alphabetical order: three reads for a whole page, not three subqueries for every row.
 */
async function withLists(rows: Row[], q: Queryable): Promise<Row[]> {
  if (!rows.length) return rows;
  const ids = rows.map((r) => Number(r.id));
  const lists = [
    () => q('engagement_jurisdictions').whereIn('engagement_id', ids).select('engagement_id', 'jurisdiction_code as v'),
    () =>
      q('engagement_consultants as ec')
        .join('users as u', 'u.id', 'ec.user_id')
        .whereIn('ec.engagement_id', ids)
        .select('ec.engagement_id', 'u.name as v'),
    () =>
      q('engagement_topics as et')
        .join('topics as t', 't.id', 'et.topic_id')
        .whereIn('et.engagement_id', ids)
        .select('et.engagement_id', 't.name as v'),
  ];
  const read: Row[][] = await readTogether(q, lists);
  const [jurisdictions, consultants, topics] = read.map((found) => {
    const byId = new Map<number, string[]>();
    for (const r of found) {
      const id = Number(r.engagement_id);
      const had = byId.get(id);
      if (had) had.push(String(r.v));
      else byId.set(id, [String(r.v)]);
    }
    const text = new Map<number, string>();
    for (const [id, values] of byId) text.set(id, values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('; '));
    return text;
  });
  return rows.map((r) => {
    const id = Number(r.id);
    return { ...r, jurisdictions: jurisdictions.get(id) ?? null, consultants: consultants.get(id) ?? null, topics: topics.get(id) ?? null };
  });
}

/** Cases submitted in the period under the case filters, one row each. */
function caseRows(f: ReportFilters, q: Queryable = reads): Knex.QueryBuilder {
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

/** How many cases an export reads at a time. */
export const CASE_PAGE_SIZE = 250;

/**
 * How many engagements an export reads at a time: more than cases, since each page costs three
 * reads more (its lists), and a whole-history export of 200,000 engagements took half the time
 * at 1,000 a page than at 250. A page of 1,000 rows is under a megabyte.
 */
export const ENGAGEMENT_PAGE_SIZE = 1000;

/** Where the next page of an export starts: after the last row read, in the export's own order. */
type After = (query: Knex.QueryBuilder, last: Record<string, unknown>) => Knex.QueryBuilder;

/**
 * After an engagement row, in engagementRows' order for filters f (newest date first, then highest
 * id). A row value, so that both engines start the page in an index on (…, date, id) rather than
 * filter every row before it (migration 2026120521001).
 */
const afterEngagementFor =
  (f: ReportFilters): After =>
  (query, last) => {
    const [date, id] = dateAndIdColumns(f);
    return query.whereRaw(`(${date}, ${id}) < (?, ?)`, [last.date as string, last.id as number]);
  };

/** After a case row, in caseRows' order (latest submission first, then highest id), through the (submitted_at, id) index. */
const afterCase: After = (query, last) =>
  query.whereRaw('(c.submitted_at, c.id) < (?, ?)', [last.submitted_at as string | Date, last.id as number]);

/**
 * The rows of a query (which must have a total order), read a page at a time so that an export
 * never holds them all. Each page starts after the last row of the one before (not at an offset,
 * which the database would count off again for every page: minutes for a decade of engagements).
 * Paging rather than driver streaming: knex streams from PostgreSQL only through the
 * pg-query-stream package, which the app does not use, and paging works alike on both.
 */
async function* inPages(
  build: () => Knex.QueryBuilder,
  after: After,
  size: number,
  complete: (rows: Row[]) => Promise<Row[]> = async (rows) => rows,
): AsyncGenerator<Row> {
  let last: Row | undefined;
  for (;;) {
    const query = build();
    const rows: Row[] = await complete(await (last ? after(query, last) : query).limit(size));
    for (const row of rows) yield row;
    if (rows.length < size) return;
    last = rows[rows.length - 1];
  }
}

/** Every delivered engagement behind the figures (engagementRows' order), read ENGAGEMENT_PAGE_SIZE rows at a time. */
export function allEngagementRows(f: ReportFilters, size = ENGAGEMENT_PAGE_SIZE, q: Queryable = reads): AsyncGenerator<Row> {
  return inPages(
    () => engagementRows(f, q),
    afterEngagementFor(f),
    size,
    (rows) => withLists(rows, q),
  );
}

/** Every case of the period under the case filters (caseRows' order), read CASE_PAGE_SIZE rows at a time. */
export function allCaseRows(f: ReportFilters, size = CASE_PAGE_SIZE, q: Queryable = reads): AsyncGenerator<Row> {
  return inPages(() => caseRows(f, q), afterCase, size);
}

/** A page of a list: `limit` rows from `offset`. */
export interface Slice {
  limit: number;
  offset: number;
}

/** One page of the delivered engagements behind the figures. */
export async function engagementRowsPage(f: ReportFilters, slice: Slice, q: Queryable = reads): Promise<Row[]> {
  return withLists(await engagementRows(f, q).limit(slice.limit).offset(slice.offset), q);
}

/** How many delivered engagements are behind the figures. */
export async function engagementRowCount(f: ReportFilters, q: Queryable = reads): Promise<number> {
  const [{ n }] = await engagementRows(f, q).clearSelect().clearOrder().count({ n: '*' });
  return num(n);
}

/** One page of the cases of the period under the case filters. */
export async function caseRowsPage(f: ReportFilters, slice: Slice, q: Queryable = reads): Promise<Row[]> {
  return caseRows(f, q).limit(slice.limit).offset(slice.offset);
}

/** How many cases of the period match the case filters. */
export async function caseRowCount(f: ReportFilters, q: Queryable = reads): Promise<number> {
  const [{ n }] = await caseRows(f, q).clearSelect().clearOrder().count({ n: '*' });
  return num(n);
}
