import { nowIso, toDate } from '../values';
import { ConflictError, ValidationError } from '../errors';
import { CaseRow, setSupporters, supporterIds, updateCase } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { findUserById } from '../queries/user.queries';
import { validateAssignment, validatePriority } from '../schemas/case.schemas';
import { CLOSED_STATUSES, CaseStatus } from '../vocabulary';
import { Staff, directorsOnly, lockedCase } from './case.service';
import { recordEvent } from './events.service';
import { businessDaysBetween, programTimeZone } from './time';

/* A director's triage of a case: who works on it (lead and supporting consultants) and its priority. */

/** Assigns the lead and supporting consultants (directors). A new case moves to assigned. */
export async function assignConsultants(caseId: number, payload: unknown, actor: Staff, timeZone = programTimeZone()): Promise<void> {
  await directorsOnly(actor, `/cases/${caseId}/assignment`);
  const input = validateAssignment(payload);
  const supporting = (input.supporting_ids ?? []).filter((id) => id !== input.lead_consultant_id);
  await transaction(async (trx) => {
    // Checked inside the transaction, each user's row locked: nobody can be deactivated between
    // the check and the assignment.
    for (const [field, ids] of [
      ['lead_consultant_id', [input.lead_consultant_id]],
      ['supporting_ids', supporting],
    ] as const) {
      for (const id of ids) {
        const u = await findUserById(id, trx, { lock: true });
        if (!u || !u.active) throw new ValidationError([{ field, message: 'Choose active staff members from the list' }]);
      }
    }
    const kase = await lockedCase(trx, caseId);
    if (CLOSED_STATUSES.includes(kase.status as CaseStatus))
      throw new ConflictError('A closed case cannot be reassigned. Reopen it first.');
    const at = nowIso();
    const beforeSupporting = await supporterIds(caseId, trx);
    // Saving the same team again is not a change: the timeline gets no empty entry.
    const same = (a: number[], b: number[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
    if (
      kase.status !== 'new' &&
      kase.lead_consultant_id !== null &&
      Number(kase.lead_consultant_id) === input.lead_consultant_id &&
      same(beforeSupporting, supporting)
    )
      return;
    const changes: Partial<CaseRow> = { lead_consultant_id: input.lead_consultant_id, updated_at: at };
    if (!kase.first_assigned_at) {
      changes.first_assigned_at = at;
      changes.assignment_business_days = businessDaysBetween(toDate(kase.submitted_at) as Date, new Date(at), timeZone);
    }
    if (kase.status === 'new') changes.status = 'assigned';
    await updateCase(trx, caseId, changes);
    await setSupporters(trx, caseId, supporting);
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.assigned',
      before: { lead_consultant_id: kase.lead_consultant_id, supporting_ids: beforeSupporting },
      after: { lead_consultant_id: input.lead_consultant_id, supporting_ids: supporting },
      created_at: at,
    });
    if (changes.status) {
      await recordEvent(trx, {
        case_id: caseId,
        actor_user_id: actor.id,
        actor_kind: 'staff',
        kind: 'case.status_changed',
        before: { status: 'new' },
        after: { status: 'assigned' },
        created_at: at,
      });
    }
  });
}

/** Sets a case's priority (directors). */
export async function setPriority(caseId: number, payload: unknown, actor: Staff): Promise<void> {
  await directorsOnly(actor, `/cases/${caseId}/priority`);
  const input = validatePriority(payload);
  await transaction(async (trx) => {
    const kase = await lockedCase(trx, caseId);
    if (kase.priority === input.priority) return;
    const at = nowIso();
    await updateCase(trx, caseId, { priority: input.priority, updated_at: at });
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.priority_changed',
      before: { priority: kase.priority },
      after: { priority: input.priority },
      created_at: at,
    });
  });
}
