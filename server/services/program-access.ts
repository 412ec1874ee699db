import { ForbiddenError } from '../errors';
import { findUserById } from '../queries/user.queries';

/**
 * Who may run the programs (the National Cohort, the State Policy Network): directors. The role
 * is read from the database, never taken from the caller's word, so that the web, the API and the
 * CLI share one rule.
 */

/** True for an active director. */
export async function isDirector(user: { id: number }): Promise<boolean> {
  const row = await findUserById(user.id);
  return Boolean(row?.active) && row?.role === 'director';
}

/** Refuses (403) anyone but an active director. */
export async function directorOr403(user: { id: number }): Promise<void> {
  if (!(await isDirector(user))) throw new ForbiddenError('Only a director may do this.');
}
