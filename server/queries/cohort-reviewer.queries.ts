import { Queryable, reads } from '../db';

/** The reviewers a director assigned to a cohort, by name. */
export async function reviewersOfCohort(cohortId: number, q: Queryable = reads): Promise<{ id: number; name: string }[]> {
  const rows = await q('cohort_reviewers as r')
    .join('users as u', 'u.id', 'r.user_id')
    .where('r.cohort_id', cohortId)
    .orderBy('u.name')
    .orderBy('u.id')
    .select('u.id', 'u.name');
  return rows.map((r: { id: unknown; name: string }) => ({ id: Number(r.id), name: r.name }));
}

/** Whether the user is one of the cohort's reviewers. */
export async function isCohortReviewer(cohortId: number, userId: number, q: Queryable = reads): Promise<boolean> {
  return Boolean(await q('cohort_reviewers').where({ cohort_id: cohortId, user_id: userId }).first('id'));
}

/** The ids of the cohorts a user reviews. */
export async function cohortsReviewedBy(userId: number, q: Queryable = reads): Promise<number[]> {
  const rows = await q('cohort_reviewers').where({ user_id: userId }).select('cohort_id');
  return rows.map((r: { cohort_id: unknown }) => Number(r.cohort_id));
}

/** Replaces a cohort's reviewers with exactly these users. */
export async function setCohortReviewers(q: Queryable, cohortId: number, userIds: number[], at: string): Promise<void> {
  await q('cohort_reviewers')
    .where({ cohort_id: cohortId })
    .whereNotIn('user_id', userIds.length ? userIds : [0])
    .delete();
  const kept = new Set(
    (await q('cohort_reviewers').where({ cohort_id: cohortId }).select('user_id')).map((r: { user_id: unknown }) => Number(r.user_id)),
  );
  const added = userIds.filter((id) => !kept.has(id));
  if (added.length)
    await q('cohort_reviewers').insert(added.map((user_id) => ({ cohort_id: cohortId, user_id, created_at: at, updated_at: at })));
}
