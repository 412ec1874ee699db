import { nowIso, toDate } from '../values';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { isId } from '../ids';
import {
  CaseRow,
  deliveredEngagementCount,
  findCaseById,
  lockCase,
  replaceCaseTopics,
  setSupporters,
  supporterIds,
  topicsOfCase,
  updateCase,
} from '../queries/case.queries';
import { Tx, transaction } from '../queries/database.queries';
import { activeTopicsBySlug } from '../queries/reference.queries';
import { findUserById } from '../queries/user.queries';
import { validateAssignment, validateCaseUpdate, validatePriority, validateStatus } from '../schemas/case.schemas';
import { CLOSED_STATUSES, CaseStatus, Role } from '../vocabulary';
import { auditRefusal } from './auth.service';
import { recordEvent } from './events.service';
import { refreshReportRollups } from './report-rollups';
import { findMove, mayMake } from './workflow';
import { businessDaysBetween, programTimeZone, zonedToUtc } from './time';
import { firstDeliveredEngagement, scheduledEngagementsOfCase } from '../queries/engagement.queries';
import { cancelInTransaction } from './engagement-cancel';
import { editConflict } from './edit-conflict';

/**
 * The staff member a service acts for. Every service function that acts for one takes them and
 * checks what they may do itself, so that the web, the API and the CLI share one rule.
 */
export interface Staff {
  id: number;
  role: Role;
}

/** Where a refused access was asked from, for the audit trail: the path and the client's address. */
export interface AccessMeta {
  path?: string;
  ip?: string;
}

export type { CaseRow };

const NOT_FOUND = 'We could not find that case.';

/** True when the user may see and work on the case: directors always, consultants when on it. */
async function hasAccess(kase: CaseRow, user: Staff, trx?: Tx): Promise<boolean> {
  if (user.role === 'director') return true;
  if (kase.lead_consultant_id === user.id) return true;
  return (await supporterIds(kase.id, trx)).includes(user.id);
}

/** Assignment, priority and the request's fields are a director's: anyone else is refused (403, audited). */
async function directorsOnly(actor: Staff, path: string): Promise<void> {
  if (actor.role === 'director') return;
  await auditRefusal(actor.id, path, '', 403);
  throw new ForbiddenError();
}

/**
 * The case if the user may see it. Otherwise 404, the same answer as for a case that does not
 * exist, so that consultants cannot probe for other cases; the refusal is audited.
 */
export async function caseForUser(caseId: number, user: Staff, meta: AccessMeta = {}): Promise<CaseRow> {
  // Beyond the id column's range PostgreSQL would fail the query (a 500) instead of finding nothing.
  const kase = isId(caseId) ? await findCaseById(caseId) : undefined;
  if (!kase) throw new NotFoundError(NOT_FOUND);
  if (!(await hasAccess(kase, user))) {
    await auditRefusal(user.id, meta.path ?? `/cases/${caseId}`, meta.ip ?? '', 404);
    throw new NotFoundError(NOT_FOUND);
  }
  return kase;
}

/** Reads the case again inside the transaction, so that a concurrent change cannot be overwritten. */
async function lockedCase(trx: Tx, caseId: number): Promise<CaseRow> {
  const kase = isId(caseId) ? await lockCase(trx, caseId) : undefined;
  if (!kase) throw new NotFoundError(NOT_FOUND);
  return kase;
}

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

/**
 * Moves a case to another status, only along the moves of the status machine; any other move
 * answers 409 and changes nothing. Completing needs a delivered engagement and a closing summary.
 */
export async function changeStatus(caseId: number, payload: unknown, actor: Staff, meta: AccessMeta = {}): Promise<CaseStatus> {
  await caseForUser(caseId, actor, { path: `/cases/${caseId}/status`, ...meta });
  const input = validateStatus(payload);
  return transaction(async (trx) => {
    const kase = await lockedCase(trx, caseId);
    // Checked again on the locked row: the team may have changed since.
    if (!(await hasAccess(kase, actor, trx))) throw new NotFoundError(NOT_FOUND);
    const from = kase.status as CaseStatus;
    const move = findMove(from, input.to);
    if (!move || move.to === 'assigned')
      throw new ConflictError(`A case that is ${from.replace('_', ' ')} cannot be moved to ${input.to.replace('_', ' ')}.`);
    if (move.who === 'system') throw new ConflictError('A case moves to in progress when its first delivered engagement is logged.');
    if (!mayMake(move, actor.role)) throw new ConflictError('Only a director can make this change.');
    const reason = input.reason?.trim();
    const summary = input.closing_summary?.trim();
    if (move.needs === 'reason' && !reason) throw new ValidationError([{ field: 'reason', message: 'Enter a reason' }]);
    const at = nowIso();
    if (move.needs === 'summary') {
      if ((await deliveredEngagementCount(caseId, trx)) === 0)
        throw new ConflictError('A case can be completed only after at least one delivered engagement.');
      if (!summary) throw new ValidationError([{ field: 'closing_summary', message: 'Enter a closing summary' }]);
      // A completed case has no meetings ahead: the ones still scheduled are cancelled (and the
      // cancellations mailed) only when the person completing it said so on the form.
      const scheduled = await scheduledEngagementsOfCase(caseId, trx);
      if (scheduled.length && input.cancel_scheduled !== 'yes') {
        const n = scheduled.length;
        throw new ValidationError([
          {
            field: 'cancel_scheduled',
            message: `${n} ${n === 1 ? 'engagement is' : 'engagements are'} still scheduled. Cancel ${n === 1 ? 'it' : 'them'} and complete the case, or go back and mark ${n === 1 ? 'it' : 'them'} delivered first`,
          },
        ]);
      }
      for (const e of scheduled) await cancelInTransaction(trx, e, actor.id, at);
    }
    const changes: Partial<CaseRow> = { status: input.to, updated_at: at };
    if (CLOSED_STATUSES.includes(input.to)) changes.closed_at = at;
    if (input.to === 'completed') changes.closing_summary = summary ?? null;
    if (input.to === 'declined' || input.to === 'withdrawn') changes.closing_reason = reason ?? null;
    if (move.action === 'reopen') changes.closed_at = null;
    await updateCase(trx, caseId, changes);
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.status_changed',
      before: { status: from },
      after: {
        status: input.to,
        ...(reason ? { reason } : {}),
        ...(summary && input.to === 'completed' ? { closing_summary: summary } : {}),
      },
      created_at: at,
    });
    return input.to;
  });
}

/** When an engagement took place: its start, or midday of its date when no time was given. */
export function engagementInstant(e: { date: string; start_time: string | null }, timeZone: string): Date {
  return zonedToUtc(e.date, e.start_time ?? '12:00', timeZone);
}

/**
 * Called inside the transaction of every change to a case's engagements (added, edited,
 * re-dated, cancelled, deleted, attendance taken): the first engagement time is derived again
 * from the engagements delivered now, so it moves back when the first one is cancelled, deleted
 * or re-dated, and an assigned case with a delivered engagement moves to in progress.
 */
export async function noteEngagementChange(trx: Tx, caseId: number, actorId: number | null, timeZone = programTimeZone()): Promise<void> {
  await refreshReportRollups(trx, [caseId]);
  const kase = await lockedCase(trx, caseId);
  const first = await firstDeliveredEngagement(trx, caseId);
  const at = nowIso();
  const changes: Partial<CaseRow> = {};
  // When it took place, not when it was logged: late record-keeping does not lengthen the figure.
  const when = first ? engagementInstant(first, timeZone).toISOString() : null;
  const known = toDate(kase.first_engagement_at)?.toISOString() ?? null;
  if (when !== known) changes.first_engagement_at = when;
  if (first && kase.status === 'assigned') changes.status = 'in_progress';
  if (!Object.keys(changes).length) return;
  await updateCase(trx, caseId, { ...changes, updated_at: at });
  if (changes.status) {
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actorId,
      actor_kind: actorId ? 'staff' : 'system',
      kind: 'case.status_changed',
      before: { status: 'assigned' },
      after: { status: 'in_progress', via: 'first delivered engagement' },
      created_at: at,
    });
  }
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

const EDITABLE: Record<string, keyof CaseRow> = {
  jurisdiction: 'jurisdiction_code',
  name: 'requester_name',
  email: 'requester_email',
  phone: 'requester_phone',
  role: 'requester_title',
  organization_type: 'organization_type',
  organization_name: 'organization_name',
  track: 'track',
  preferred_format: 'preferred_format',
  title: 'title',
  needs: 'needs',
  outcomes: 'outcomes',
  preferred_start: 'preferred_start',
  deadline: 'deadline',
  expected_participants: 'expected_participants',
};

/**
 * A director's edit of the request fields; the timeline keeps each changed field before and
 * after. With `expectedVersion` (the version the form was opened at, or an API client's
 * If-Match), a save over a newer version throws EditConflictError (409) and changes nothing.
 */
export async function editCase(caseId: number, payload: unknown, actor: Staff, expectedVersion?: number): Promise<void> {
  await directorsOnly(actor, `/cases/${caseId}`);
  const input = validateCaseUpdate(payload);
  const topics = await activeTopicsBySlug(input.topics);
  const errors = [];
  if (topics.length !== input.topics.length) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.preferred_start && input.deadline && input.deadline < input.preferred_start)
    errors.push({ field: 'deadline', message: 'Deadline must be on or after the preferred start date' });
  if (errors.length) throw new ValidationError(errors);
  await transaction(async (trx) => {
    const kase = await lockedCase(trx, caseId);
    const current = Number(kase.version ?? 1);
    if (expectedVersion !== undefined && current !== expectedVersion) {
      // Each change of the case row wrote one of these (notes and messages leave the row as it is).
      const concerns = (e: { kind: string }) =>
        e.kind.startsWith('case.') && !/^case\.(note_added|message_sent|message_received)$/.test(e.kind);
      throw await editConflict(trx, caseId, current, expectedVersion, concerns);
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const changes: Partial<CaseRow> = {};
    for (const [field, column] of Object.entries(EDITABLE)) {
      const value = (input as unknown as Record<string, unknown>)[field] ?? (field === 'track' ? kase.track : null);
      if ((kase[column] ?? null) !== value) {
        before[field] = kase[column] ?? null;
        after[field] = value;
        (changes as Record<string, unknown>)[column] = value;
      }
    }
    const oldTopics = (await topicsOfCase(caseId, trx)).map((t) => t.slug).sort();
    const newTopics = [...input.topics].sort();
    if (oldTopics.join() !== newTopics.join()) {
      before.topics = oldTopics;
      after.topics = newTopics;
      await replaceCaseTopics(
        trx,
        caseId,
        topics.map((t) => t.id),
      );
    }
    if (!Object.keys(after).length) return;
    const at = nowIso();
    await updateCase(trx, caseId, { ...changes, updated_at: at });
    // The roll-ups count engagements under their case's track.
    if (changes.track) await refreshReportRollups(trx, [caseId]);
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.updated',
      before,
      after,
      created_at: at,
    });
  });
}
