import { nowIso, toDate } from '../values';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { isId } from '../ids';
import { CaseRow, deliveredEngagementCount, findCaseById, lockCase, supporterIds, updateCase } from '../queries/case.queries';
import { Tx, transaction } from '../queries/database.queries';
import { validateStatus } from '../schemas/case.schemas';
import { CLOSED_STATUSES, CaseStatus, Role } from '../vocabulary';
import { auditRefusal } from './auth.service';
import { recordEvent } from './events.service';
import { refreshFeedbackYears, refreshReportRollups } from './report-rollups';
import { findMove, mayMake } from './workflow';
import { programTimeZone, zonedToUtc } from './time';
import { firstDeliveredEngagement, scheduledEngagementsOfCase } from '../queries/engagement.queries';
import { cancelInTransaction } from './engagement-cancel';

/*
 * A case: who may see it, and its status (the moves staff make, and the one the first delivered
 * engagement makes). A director's assignment and priority are in case-assignment.service.ts, the
 * edit of the request fields in case-edit.service.ts, notes and messages in case-messages.service.ts.
 */

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
export async function directorsOnly(actor: Staff, path: string): Promise<void> {
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
export async function lockedCase(trx: Tx, caseId: number): Promise<CaseRow> {
  const kase = isId(caseId) ? await lockCase(trx, caseId) : undefined;
  if (!kase) throw new NotFoundError(NOT_FOUND);
  return kase;
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
    // Completed or reopened: the feedback figures count the case, or no longer do.
    await refreshFeedbackYears(trx, [caseId]);
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
  // The case first, then the roll-ups: the order every writer takes them in (a case edit locks the
  // case and may then count the roll-ups again), so that two writers never wait for each other.
  const kase = await lockedCase(trx, caseId);
  await refreshReportRollups(trx, [caseId]);
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
