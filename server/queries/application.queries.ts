import { Queryable, reads } from '../db';
import { num } from '../values';
import { isId } from '../ids';

export interface ApplicationRow {
  id: number;
  cohort_id: number;
  name: string;
  email: string;
  jurisdiction_code: string;
  board_role: string;
  years_on_board: number;
  equity_commitment: string;
  race_culture_openness: string;
  leadership: string;
  decision: string | null;
  decided_at: string | Date | null;
  decided_by_user_id: number | null;
  status_token_hash: string;
  status_token_enc: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  submitted_at: string | Date;
  created_at: string | Date;
  updated_at: string | Date;
}

export interface ReviewRow {
  id: number;
  application_id: number;
  reviewer_user_id: number;
  reviewer_name?: string;
  equity_score: number;
  equity_comment: string;
  openness_score: number;
  openness_comment: string;
  leadership_score: number;
  leadership_comment: string;
  created_at: string | Date;
}

const applicationOf = (r: ApplicationRow): ApplicationRow => ({
  ...r,
  id: Number(r.id),
  cohort_id: Number(r.cohort_id),
  years_on_board: num(r.years_on_board),
  decided_by_user_id: r.decided_by_user_id === null || r.decided_by_user_id === undefined ? null : Number(r.decided_by_user_id),
});

const reviewOf = (r: ReviewRow): ReviewRow => ({
  ...r,
  id: Number(r.id),
  application_id: Number(r.application_id),
  reviewer_user_id: Number(r.reviewer_user_id),
  equity_score: num(r.equity_score),
  openness_score: num(r.openness_score),
  leadership_score: num(r.leadership_score),
});

export async function insertApplication(q: Queryable, row: Omit<ApplicationRow, 'id'>): Promise<number> {
  const [inserted] = await q('applications').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function findApplication(id: number, q: Queryable = reads): Promise<ApplicationRow | undefined> {
  if (!isId(id)) return undefined;
  const row = await q('applications').where({ id }).first();
  return row ? applicationOf(row) : undefined;
}

export async function findApplicationByTokenHash(hash: string, q: Queryable = reads): Promise<ApplicationRow | undefined> {
  const row = await q('applications').where({ status_token_hash: hash }).first();
  return row ? applicationOf(row) : undefined;
}

export async function findApplicationByIdempotencyKey(key: string, q: Queryable = reads): Promise<ApplicationRow | undefined> {
  const row = await q('applications').where({ idempotency_key: key }).first();
  return row ? applicationOf(row) : undefined;
}

export async function findApplicationByEmail(cohortId: number, email: string, q: Queryable = reads): Promise<ApplicationRow | undefined> {
  const row = await q('applications').where({ cohort_id: cohortId, email }).first();
  return row ? applicationOf(row) : undefined;
}

/** A cohort's applications in the order they came in. */
export async function applicationsOfCohort(cohortId: number, q: Queryable = reads): Promise<ApplicationRow[]> {
  const rows = await q('applications').where({ cohort_id: cohortId }).orderBy('submitted_at').orderBy('id');
  return rows.map(applicationOf);
}

/** The selected applicants of a cohort (its roster), by name. */
export async function rosterOf(cohortId: number, q: Queryable = reads): Promise<ApplicationRow[]> {
  const rows = await q('applications').where({ cohort_id: cohortId, decision: 'selected' }).orderBy('name').orderBy('id');
  return rows.map(applicationOf);
}

export async function setDecision(q: Queryable, id: number, decision: string, userId: number, at: string): Promise<void> {
  await q('applications').where({ id }).update({ decision, decided_at: at, decided_by_user_id: userId, updated_at: at });
}

/** The applications of these cohorts (all cohorts when not given), newest cohort first, with whether `userId` has scored each. */
export async function applicationsForReviewer(userId: number, cohortIds?: number[], q: Queryable = reads) {
  const query = q('applications as a');
  if (cohortIds) query.whereIn('a.cohort_id', cohortIds.length ? cohortIds : [0]);
  const rows = await query
    .join('cohorts as k', 'k.id', 'a.cohort_id')
    .leftJoin('application_reviews as r', function () {
      this.on('r.application_id', '=', 'a.id').andOn('r.reviewer_user_id', '=', q.raw('?', [userId]));
    })
    .orderBy([
      { column: 'k.year', order: 'desc' },
      { column: 'k.id', order: 'desc' },
      { column: 'a.submitted_at', order: 'asc' },
      { column: 'a.id', order: 'asc' },
    ])
    .select(
      'a.id',
      'a.name',
      'a.jurisdiction_code',
      'a.board_role',
      'a.submitted_at',
      'k.id as cohort_id',
      'k.name as cohort_name',
      'k.year as cohort_year',
      'r.id as review_id',
    );
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    name: String(r.name),
    jurisdiction_code: String(r.jurisdiction_code),
    board_role: String(r.board_role),
    submitted_at: r.submitted_at as string | Date,
    cohort_id: Number(r.cohort_id),
    cohort_name: String(r.cohort_name),
    cohort_year: num(r.cohort_year),
    scored: r.review_id !== null && r.review_id !== undefined,
  }));
}

/** One reviewer's review of an application, if given. */
export async function reviewBy(applicationId: number, userId: number, q: Queryable = reads): Promise<ReviewRow | undefined> {
  const row = await q('application_reviews').where({ application_id: applicationId, reviewer_user_id: userId }).first();
  return row ? reviewOf(row) : undefined;
}

/** Every review of an application, with the reviewers' names, oldest first. */
export async function reviewsOfApplication(applicationId: number, q: Queryable = reads): Promise<ReviewRow[]> {
  const rows = await q('application_reviews as r')
    .join('users as u', 'u.id', 'r.reviewer_user_id')
    .where('r.application_id', applicationId)
    .orderBy('r.id')
    .select('r.*', 'u.name as reviewer_name');
  return rows.map(reviewOf);
}

/** Every review of a cohort's applications, with the reviewers' names. */
export async function reviewsOfCohort(cohortId: number, q: Queryable = reads): Promise<ReviewRow[]> {
  const rows = await q('application_reviews as r')
    .join('applications as a', 'a.id', 'r.application_id')
    .join('users as u', 'u.id', 'r.reviewer_user_id')
    .where('a.cohort_id', cohortId)
    .orderBy('r.id')
    .select('r.*', 'u.name as reviewer_name');
  return rows.map(reviewOf);
}

export async function insertReview(q: Queryable, row: Omit<ReviewRow, 'id' | 'reviewer_name'> & { updated_at: string }): Promise<void> {
  await q('application_reviews').insert(row);
}
