import {
  Slice,
  allCaseRows,
  allEngagementRows,
  caseRowCount,
  caseRowsPage,
  engagementRowCount,
  engagementRowsPage,
} from '../queries/export.queries';
import type { ReportFilters } from '../queries/report.queries';
import { ReportReader, mustReadReports } from './report.service';

/**
 * The rows behind the report figures, for the lists, the CSV exports and the API: one page at a
 * time, or every row read a page at a time (a decade of engagements never sits in memory at once).
 */

type Row = Record<string, unknown>;

/** Which page of a list, and whether a page past the end gives the last page (the web) or none (the API). */
interface PageWanted {
  page: number;
  perPage: number;
  lastIfPast?: boolean;
}

interface ListPage {
  rows: Row[];
  total: number;
  page: number;
  /** How many pages there are (at least 1). */
  pages: number;
}

async function pageOf(count: () => Promise<number>, read: (slice: Slice) => Promise<Row[]>, want: PageWanted): Promise<ListPage> {
  const slice = (page: number) => ({ limit: want.perPage, offset: (page - 1) * want.perPage });
  const pagesOf = (total: number) => Math.max(1, Math.ceil(total / want.perPage));
  if (want.lastIfPast) {
    const total = await count();
    const page = Math.max(1, Math.min(pagesOf(total), want.page));
    return { rows: await read(slice(page)), total, page, pages: pagesOf(total) };
  }
  const [rows, total] = await Promise.all([read(slice(want.page)), count()]);
  return { rows, total, page: want.page, pages: pagesOf(total) };
}

/** One page of the delivered engagements behind the figures (newest first), and how many there are. */
export async function deliveredEngagementsPage(actor: ReportReader, f: ReportFilters, want: PageWanted): Promise<ListPage> {
  mustReadReports(actor);
  return pageOf(
    () => engagementRowCount(f),
    (slice) => engagementRowsPage(f, slice),
    want,
  );
}

/** One page of the cases submitted in the period (latest first), and how many there are. */
export async function casesPage(actor: ReportReader, f: ReportFilters, want: PageWanted): Promise<ListPage> {
  mustReadReports(actor);
  return pageOf(
    () => caseRowCount(f),
    (slice) => caseRowsPage(f, slice),
    want,
  );
}

/** Every delivered engagement behind the figures, newest first, read a page at a time. */
export function deliveredEngagementsExport(actor: ReportReader, f: ReportFilters): AsyncIterable<Row> {
  mustReadReports(actor);
  return allEngagementRows(f);
}

/** Every case submitted in the period under the case filters, latest first, read a page at a time. */
export function casesExport(actor: ReportReader, f: ReportFilters): AsyncIterable<Row> {
  mustReadReports(actor);
  return allCaseRows(f);
}
