import { ValidationError } from '../errors';
import { parseId } from '../ids';
import type { FieldError } from '../errors';
import { findUserById } from '../queries/user.queries';
import { validateRequestCreate } from '../schemas/request.schemas';
import { PRIORITIES } from '../vocabulary';
import { assignConsultants, setPriority } from './case-assignment.service';
import { Staff } from './case.service';
import { SubmitContext, submitRequest } from './request.service';

/** What a director may set at once when opening a case: its lead and its priority. */
interface OpeningChoices {
  lead_consultant_id?: unknown;
  priority?: unknown;
}

/**
 * Staff open a case on a state's behalf: the request form's fields, and for a director the lead
 * and the priority at once. Every field is checked before anything is written, so a refused form
 * stores nothing; the case, its assignment and its priority then each go through the one door
 * (recordEvent), as if made one after the other.
 */
export async function openStaffCase(
  payload: unknown,
  choices: OpeningChoices,
  actor: Staff,
  ctx: Omit<SubmitContext, 'source' | 'actorUserId' | 'supporterUserId'>,
): Promise<{ caseId: number }> {
  const errors: FieldError[] = [];
  const lead =
    actor.role === 'director' && choices.lead_consultant_id !== undefined && choices.lead_consultant_id !== ''
      ? String(choices.lead_consultant_id)
      : undefined;
  const priority =
    actor.role === 'director' && choices.priority !== undefined && choices.priority !== '' ? String(choices.priority) : 'normal';
  let leadId: number | undefined;
  if (lead !== undefined) {
    const id = parseId(lead);
    const user = id === undefined ? undefined : await findUserById(id);
    if (!user?.active) errors.push({ field: 'lead_consultant_id', message: 'Choose the lead from the list of active staff' });
    else leadId = user.id;
  }
  if (!Object.hasOwn(PRIORITIES, priority)) errors.push({ field: 'priority', message: 'Choose a priority from the list' });
  try {
    validateRequestCreate(payload);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.unshift(...err.errors);
  }
  if (errors.length) throw new ValidationError(errors);
  const result = await submitRequest(payload, {
    ...ctx,
    source: 'staff',
    actorUserId: actor.id,
    supporterUserId: actor.role === 'consultant' ? actor.id : undefined,
  });
  if (result.kind === 'honeypot') throw new ValidationError([{ field: 'website', message: 'Leave this field empty' }]);
  if (leadId) await assignConsultants(result.caseId, { lead_consultant_id: leadId }, actor);
  if (priority !== 'normal') await setPriority(result.caseId, { priority }, actor);
  return { caseId: result.caseId };
}
