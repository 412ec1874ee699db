import { Queryable, reads } from '../db';
import { listAggSql } from '../db-sql';
import { num } from '../values';
import type { Slice } from './export.queries';

/** How many cases a jurisdiction has and how many engagements list it. */
export async function stateCounts(code: string, q: Queryable = reads): Promise<{ cases: number; engagements: number }> {
  const [[caseCount], [engagementCount]] = await Promise.all([
    q('cases').where('jurisdiction_code', code).count({ n: '*' }),
    q('engagement_jurisdictions').where('jurisdiction_code', code).count({ n: '*' }),
  ]);
  return { cases: num(caseCount.n), engagements: num(engagementCount.n) };
}

/** A case on a jurisdiction's page. */
interface StateCaseRow {
  id: number;
  reference: string;
  title: string;
  track: string;
  status: string;
  submitted_at: unknown;
  closed_at: unknown;
  lead_name: string | null;
}

/** An engagement on a jurisdiction's page, its consultants and jurisdictions joined as text. */
interface StateEngagementRow {
  id: number;
  date: string;
  status: string;
  format: string;
  duration_minutes: number;
  participant_count: number;
  case_id: number;
  reference: string;
  track: string;
  title: string;
  consultants: string | null;
  jurisdictions: string | null;
}

/** A jurisdiction's cases, oldest first: all of them, or one slice. */
export async function stateCases(code: string, slice?: Slice, q: Queryable = reads): Promise<StateCaseRow[]> {
  const query = q('cases as c')
    .leftJoin('users as u', 'u.id', 'c.lead_consultant_id')
    .where('c.jurisdiction_code', code)
    .orderBy('c.submitted_at', 'asc')
    .select('c.id', 'c.reference', 'c.title', 'c.track', 'c.status', 'c.submitted_at', 'c.closed_at', 'u.name as lead_name');
  return slice ? query.limit(slice.limit).offset(slice.offset) : query;
}

/** The engagements listing a jurisdiction (whatever their case), oldest first: all of them, or one slice. */
export async function stateEngagements(code: string, slice?: Slice, q: Queryable = reads): Promise<StateEngagementRow[]> {
  const query = q('engagement_jurisdictions as ej')
    .join('engagements as e', 'e.id', 'ej.engagement_id')
    .join('cases as c', 'c.id', 'e.case_id')
    .where('ej.jurisdiction_code', code)
    // The date stored on engagement_jurisdictions: its index gives the order, so a page stops early.
    .orderBy('ej.date', 'asc')
    .orderBy('ej.engagement_id', 'asc')
    .select(
      'e.id',
      'e.date',
      'e.status',
      'e.format',
      'e.duration_minutes',
      'e.participant_count',
      'c.id as case_id',
      'c.reference',
      'c.track',
      'c.title',
      q.raw(
        `(select ${listAggSql('u.name', q)} from engagement_consultants ec join users u on u.id = ec.user_id where ec.engagement_id = e.id) as consultants`,
      ),
      q.raw(
        `(select ${listAggSql('x.jurisdiction_code', q)} from engagement_jurisdictions x where x.engagement_id = e.id) as jurisdictions`,
      ),
    );
  return slice ? query.limit(slice.limit).offset(slice.offset) : query;
}
