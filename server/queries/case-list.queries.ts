import type { Knex } from 'knex';
import { db, Queryable, reads, readTogether } from '../db';
import { num } from '../values';
import { whereSearchMatches } from './search.queries';

export interface CaseListFilters {
  status?: string[];
  jurisdiction?: string;
  track?: string;
  topic?: string;
  consultant?: number;
  /** Only cases still new (unassigned) and submitted before this instant. */
  overdueBefore?: string;
  q?: string;
  /** Restricts to the cases a consultant leads or supports. */
  visibleTo?: number;
}

export const SORTS = {
  submitted_desc: ['cases.submitted_at', 'desc'],
  submitted_asc: ['cases.submitted_at', 'asc'],
  reference_asc: ['cases.reference', 'asc'],
  deadline_asc: ['cases.deadline', 'asc'],
  status_asc: ['cases.status', 'asc'],
  jurisdiction_asc: ['jurisdictions.name', 'asc'],
} as const;
export type SortKey = keyof typeof SORTS;

interface CaseListRow {
  id: number;
  reference: string;
  title: string;
  status: string;
  priority: string;
  track: string;
  jurisdiction_code: string;
  jurisdiction_name: string;
  requester_name: string;
  organization_name: string;
  submitted_at: string | Date;
  closed_at: string | Date | null;
  deadline: string | null;
  lead_consultant_id: number | null;
  lead_name: string | null;
}

/** Cases a user is on: as lead or as a supporting consultant. */
export function whereOnCase(query: Knex.QueryBuilder, userId: number): Knex.QueryBuilder {
  return query.where((w) =>
    w.where('cases.lead_consultant_id', userId).orWhereExists(function () {
      this.select(db.raw('1'))
        .from('case_supporters')
        .whereRaw('case_supporters.case_id = cases.id')
        .andWhere('case_supporters.user_id', userId);
    }),
  );
}

function applyFilters(query: Knex.QueryBuilder, f: CaseListFilters, q: Queryable): Knex.QueryBuilder {
  if (f.visibleTo) whereOnCase(query, f.visibleTo);
  if (f.status?.length) query.whereIn('cases.status', f.status);
  if (f.jurisdiction) query.where('cases.jurisdiction_code', f.jurisdiction);
  if (f.track) query.where('cases.track', f.track);
  if (f.topic) {
    query.whereExists(function () {
      this.select(q.raw('1'))
        .from('case_topics')
        .join('topics', 'topics.id', 'case_topics.topic_id')
        .whereRaw('case_topics.case_id = cases.id')
        .andWhere('topics.slug', f.topic);
    });
  }
  if (f.consultant) whereOnCase(query, f.consultant);
  if (f.overdueBefore) query.where('cases.status', 'new').andWhere('cases.submitted_at', '<', f.overdueBefore);
  if (f.q) whereSearchMatches(query, f.q, q);
  return query;
}

/** One page of cases with the total count, filtered and sorted. */
export async function listCases(
  f: CaseListFilters,
  sort: SortKey,
  page: number,
  perPage: number,
  q: Queryable = reads,
): Promise<{ rows: CaseListRow[]; total: number }> {
  const [col, dir] = SORTS[sort];
  const query = applyFilters(q('cases'), f, q)
    .join('jurisdictions', 'jurisdictions.code', 'cases.jurisdiction_code')
    .leftJoin('users as lead', 'lead.id', 'cases.lead_consultant_id')
    .select(
      'cases.id',
      'cases.reference',
      'cases.title',
      'cases.status',
      'cases.priority',
      'cases.track',
      'cases.jurisdiction_code',
      'jurisdictions.name as jurisdiction_name',
      'cases.requester_name',
      'cases.organization_name',
      'cases.submitted_at',
      'cases.closed_at',
      'cases.deadline',
      'cases.lead_consultant_id',
      'lead.name as lead_name',
    );
  // Cases without a deadline go last on both engines (SQLite puts nulls first, PostgreSQL last).
  if (col === 'cases.deadline') query.orderByRaw('(?? is null) asc', [col]);
  query
    .orderBy(col, dir)
    .orderBy('cases.id', dir)
    .limit(perPage)
    .offset((page - 1) * perPage);
  // The count and the page at once: under load, one wait for the database instead of two.
  const [[{ n }], rows] = await readTogether(q, [
    // Counted on the cases alone: every case has its jurisdiction (a required foreign key), so the
    // join would change nothing.
    () => applyFilters(q('cases'), f, q).count({ n: '*' }),
    (): Promise<CaseListRow[]> => query,
  ] as const);
  return { rows, total: num(n) };
}
