import { Queryable, reads } from '../db';
import { num } from '../values';
import { ReportFilters, periodInstants } from './report.queries';

/** A requester's answer to the survey of a completed case. */
export interface FeedbackRow {
  id: number;
  case_id: number;
  quality: number;
  relevance: number;
  usefulness: number;
  comment: string | null;
  created_at: string | Date;
}

/** Stores a case's feedback; a second answer for the same case is a unique violation. */
export async function insertFeedback(q: Queryable, row: Omit<FeedbackRow, 'id'>): Promise<void> {
  await q('feedback').insert(row);
}

/** The feedback given on a case, if any. */
export async function findFeedback(caseId: number, q: Queryable = reads): Promise<FeedbackRow | undefined> {
  return q('feedback').where({ case_id: caseId }).first();
}

export interface FeedbackFigures {
  completed: number;
  answered: number;
  quality: number | null;
  relevance: number | null;
  usefulness: number | null;
}

// Each query below has one row per case in each group (a case has one feedback at most, and the
// case lists hold a format or a consultant once per case), so plain counts count cases: no
// distinct, whose sorting was most of the cost at 20,000 cases.
const measures = (q: Queryable) => [
  q.raw('count(*) as completed'),
  q.raw('count(fb.case_id) as answered'),
  q.raw('avg(fb.quality) as quality'),
  q.raw('avg(fb.relevance) as relevance'),
  q.raw('avg(fb.usefulness) as usefulness'),
];

const round = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
const figures = (r: Record<string, unknown>): FeedbackFigures => ({
  completed: num(r.completed),
  answered: num(r.answered),
  quality: round(r.quality),
  relevance: round(r.relevance),
  usefulness: round(r.usefulness),
});

/**
 * Feedback on cases completed in the period (closed_at) whose requesters were asked (not imported), under the case filters: mean ratings
 * and how many answered. By format and by consultant, a case counts under each format of its
 * delivered engagements and each consultant who facilitated them.
 */
export async function feedbackSummary(
  f: ReportFilters,
  by: 'all' | 'format' | 'consultant',
  q: Queryable = reads,
): Promise<(FeedbackFigures & { key: string; label?: string })[]> {
  const [from, to] = periodInstants(f);
  // Imported cases are left out: their requesters were never asked, so they are not "not answered".
  const query = q('cases as c')
    .leftJoin('feedback as fb', 'fb.case_id', 'c.id')
    .where('c.status', 'completed')
    .whereNot('c.source', 'import')
    .andWhere('c.closed_at', '>=', from)
    .andWhere('c.closed_at', '<', to);
  if (f.track) query.where('c.track', f.track);
  if (f.jurisdiction) query.where('c.jurisdiction_code', f.jurisdiction);
  if (by === 'all') {
    const [row] = await query.select(measures(q));
    return [{ key: 'all', ...figures(row) }];
  }
  if (by === 'format') {
    // The formats of each case's delivered engagements, once each, kept with the report roll-ups.
    const rows = await query
      .join('report_case_formats as cf', 'cf.case_id', 'c.id')
      .groupBy('cf.format')
      .select('cf.format as key', ...measures(q));
    return rows
      .map((r: Record<string, unknown>) => ({ key: String(r.key), ...figures(r) }))
      .filter((r: { completed: number }) => r.completed > 0)
      .sort((a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  // The consultants of each case's delivered engagements, once each, kept with the report roll-ups.
  query.join('report_case_consultants as cc', 'cc.case_id', 'c.id').join('users as u', 'u.id', 'cc.user_id');
  const rows = await query
    .groupBy('u.id', 'u.name')
    .select('u.id as key', 'u.name as label', ...measures(q))
    .orderBy('u.name');
  return rows.map((r: Record<string, unknown>) => ({ key: String(r.key), label: String(r.label), ...figures(r) }));
}
