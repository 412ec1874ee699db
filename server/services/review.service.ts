import { nowIso } from '../values';
import { NotFoundError, ValidationError } from '../errors';
import { parseId } from '../ids';
import { ApplicationRow, applicationsForReviewer, applicationsOfCohort, findApplication } from '../queries/application.queries';
import { cohortsReviewedBy, isCohortReviewer, reviewersOfCohort, setCohortReviewers } from '../queries/cohort-reviewer.queries';
import { transaction } from '../queries/database.queries';
import { findUserById, listUserNames } from '../queries/user.queries';
import { cohortOr404 } from './cohort.service';
import { directorOr403 } from './program-access';

/** Who reads an application: a director sees everything; a reviewer reviews blind. */
export type Reader = { id: number; role: string };

/**
 * Whether the user may open and score this cohort's applications: directors always, consultants
 * only when a director made them one of the cohort's reviewers. Anyone else is told the
 * application does not exist (404), as for a case they are not on.
 */
async function mayReview(cohortId: number, user: Reader): Promise<boolean> {
  if (user.role === 'director') return true;
  return isCohortReviewer(cohortId, user.id);
}

/** The application, if the user may review it; otherwise 404. */
export async function reviewableOr404(application: ApplicationRow | undefined, user: Reader): Promise<ApplicationRow> {
  if (!application || !(await mayReview(application.cohort_id, user))) throw new NotFoundError('We could not find that application.');
  return application;
}

/** The application with this id, if the user may review it (the role read from the database); otherwise 404. */
export async function reviewableApplication(applicationId: number, user: { id: number }): Promise<ApplicationRow> {
  return reviewableOr404(await findApplication(applicationId), await readerOf(user.id));
}

/** The signed-in user's role as the database has it (a service never trusts a caller's word for it). */
export async function readerOf(userId: number): Promise<Reader> {
  const user = await findUserById(userId);
  return { id: userId, role: user?.active ? user.role : 'none' };
}

/**
 * The applications a user may review, with whether they scored each. A reviewer's rows carry no
 * name, e-mail, organization or state: only a number within the cohort and the board role.
 */
export async function reviewListFor(signedIn: { id: number }) {
  const user = await readerOf(signedIn.id);
  const cohortIds = user.role === 'director' ? undefined : await cohortsReviewedBy(user.id);
  const rows = await applicationsForReviewer(user.id, cohortIds);
  const counters = new Map<number, number>();
  return rows.map((row) => {
    const n = (counters.get(row.cohort_id) ?? 0) + 1;
    counters.set(row.cohort_id, n);
    const label = `Application ${n}`;
    return user.role === 'director' ? { ...row, label } : { ...row, label, name: undefined, jurisdiction_code: undefined };
  });
}

/** The number an application has within its cohort (in the order they came in), as reviewers know it. */
export async function applicationNumber(application: ApplicationRow): Promise<number> {
  const rows = await applicationsOfCohort(application.cohort_id);
  return rows.findIndex((r) => r.id === application.id) + 1;
}

/** The cohort's reviewers, and the staff a director may choose from. */
export async function reviewerChoices(cohortId: number, director: { id: number }) {
  await directorOr403(director);
  const [chosen, users] = await Promise.all([reviewersOfCohort(cohortId), listUserNames()]);
  return { chosen, users: users.filter((u) => u.active) };
}

/** A director sets who reviews a cohort's applications: active staff only (422 otherwise). */
export async function assignReviewers(cohortId: number, body: Record<string, unknown>, director: { id: number }): Promise<void> {
  await directorOr403(director);
  const cohort = await cohortOr404(cohortId);
  const raw = body.reviewer_ids === undefined ? [] : Array.isArray(body.reviewer_ids) ? body.reviewer_ids : [body.reviewer_ids];
  const active = new Set((await listUserNames()).filter((u) => u.active).map((u) => u.id));
  const ids = [...new Set(raw.map((v) => parseId(v) ?? NaN))];
  if (ids.some((id) => !active.has(id)))
    throw new ValidationError([{ field: 'reviewer_ids', message: 'Choose reviewers from the list of active staff.' }]);
  await transaction((trx) => setCohortReviewers(trx, cohort.id, ids, nowIso()));
}
