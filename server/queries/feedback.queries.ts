import { Queryable, db, num } from '../db';
import { ReportFilters, periodInstants } from './report.queries';
import { FORMATS } from '../vocabulary';

export interface FeedbackFigures {
  completed: number;
  answered: number;
  quality: number | null;
  relevance: number | null;
  usefulness: number | null;
}


const measures = (q: Queryable) => [
  q.raw('count(distinct c.id) as completed'),
  q.raw('count(distinct fb.case_id) as answered'),
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
export async function feedbackSummary(f: ReportFilters, by: 'all' | 'format' | 'consultant', q: Queryable = db): Promise<(FeedbackFigures & { key: string; label?: string })[]> {
  const [from, to] = periodInstants(f);
  // Imported cases are left out: their requesters were never asked, so they are not "not answered".
  const query = q('cases as c').leftJoin('feedback as fb', 'fb.case_id', 'c.id').where('c.status', 'completed').whereNot('c.source', 'import').andWhere('c.closed_at', '>=', from).andWhere('c.closed_at', '<', to);
  if (f.track) query.where('c.track', f.track);
  if (f.jurisdiction) query.where('c.jurisdiction_code', f.jurisdiction);
  if (by === 'all') {
    const [row] = await query.select(measures(q));
    return [{ key: 'all', ...figures(row) }];
  }
  if (by === 'format') {
    // One pass over the period's completed cases per format, each asking whether the case has a
    // delivered engagement of it (an index seek). Joining a distinct list of (case, format) pairs
    // instead made SQLite scan that list once per case: 30 s at 200,000 engagements.
    const rows = await Promise.all(
      Object.keys(FORMATS).map(async (format) => {
        const [row] = await query
          .clone()
          .whereExists(function () {
            this.select(q.raw('1')).from('engagements as e').whereRaw('e.case_id = c.id').andWhere('e.status', 'delivered').andWhere('e.format', format);
          })
          .select(measures(q));
        return { key: format, ...figures(row) };
      }),
    );
    return rows.filter((r) => r.completed > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  query
    .join(q('engagements as e').join('engagement_consultants as ec', 'ec.engagement_id', 'e.id').where('e.status', 'delivered').distinct('e.case_id', 'ec.user_id').as('cc'), 'cc.case_id', 'c.id')
    .join('users as u', 'u.id', 'cc.user_id');
  const rows = await query.groupBy('u.id', 'u.name').select('u.id as key', 'u.name as label', ...measures(q)).orderBy('u.name');
  return rows.map((r: Record<string, unknown>) => ({ key: String(r.key), label: String(r.label), ...figures(r) }));
}
