import { nowIso, toDate } from '../values';
import { CaseRow, findCaseById } from '../queries/case.queries';
import { type Tx, transaction } from '../queries/database.queries';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import {
  EngagementFull,
  belongsToProgram,
  deleteEngagementRow,
  findEngagement,
  insertChildren,
  insertEngagement,
  lockEngagement,
  replaceChildren,
  updateEngagementRow,
} from '../queries/engagement.queries';
import { chosenStaffAndTopics } from '../queries/reference.queries';
import { EngagementInput, validateEngagement } from '../schemas/engagement.schemas';
import { Staff, caseForUser, noteEngagementChange } from './case.service';
import { recordEvent } from './events.service';
import { addDays, dateIn, programTimeZone, todayIn } from './time';
import { cancelInTransaction } from './engagement-cancel';
import { engagementChanges, movesMeeting, snapshot } from './engagement-changes';
import { editConflict } from './edit-conflict';

export type { CaseRow, EngagementFull };

/** Where an engagement is judged: the program's time zone, and now (tests may set it). */
export interface EngagementContext {
  timeZone: string;
  now?: Date;
}

type Meta = { path?: string; ip?: string };

/**
 * The rules beyond the schema (issue: "Rules"); returns the topic ids to store. `keep` are the
 * facilitators already on the engagement: one who has since left stays on it through an edit.
 */
async function checkRules(
  input: EngagementInput,
  ctx: EngagementContext,
  kase: Pick<CaseRow, 'submitted_at' | 'source'>,
  keep: number[] = [],
  q?: Tx,
): Promise<number[]> {
  const errors: FieldError[] = [];
  // Work delivered before a requester asked for it would give a negative response time. Cases
  // staff open (a program's, or logged after the fact) and imported history may carry earlier dates.
  const submittedOn = dateIn(toDate(kase.submitted_at) as Date, ctx.timeZone);
  if (input.status === 'delivered' && (kase.source === 'web_form' || kase.source === 'api') && input.date < submittedOn) {
    errors.push({ field: 'date', message: `A delivered engagement cannot be dated before the request was submitted (${submittedOn})` });
  }
  // A delivered engagement cannot be in the future; one day of grace for time zones.
  if (input.status === 'delivered' && input.date > addDays(todayIn(ctx.timeZone, ctx.now), 1)) {
    errors.push({ field: 'date', message: 'A delivered engagement cannot be in the future. Mark it scheduled, or correct the date' });
  }
  if (input.status === 'delivered' && !input.summary?.trim()) {
    errors.push({ field: 'summary', message: 'Enter summary notes to mark the engagement delivered' });
  }
  const attendees = input.attendees?.length ?? 0;
  if (input.status === 'delivered' && input.participant_count === undefined) {
    errors.push({ field: 'participant_count', message: 'Enter the number of participants to mark the engagement delivered' });
  } else if (input.participant_count !== undefined && input.participant_count < attendees) {
    errors.push({ field: 'participant_count', message: `Number of participants must be at least the ${attendees} attendees listed` });
  }
  const { staff, topics } = await chosenStaffAndTopics(input.consultant_ids, input.topics ?? [], q);
  for (const id of input.consultant_ids) {
    const user = staff.get(id);
    if (!user || (!user.active && !keep.includes(id))) {
      errors.push({ field: 'consultant_ids', message: 'Choose active staff members from the list' });
      break;
    }
  }
  if (topics.length !== (input.topics?.length ?? 0)) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.follow_up_date && input.follow_up_date < input.date)
    errors.push({ field: 'follow_up_date', message: 'Follow-up date must be on or after the engagement date' });
  if (errors.length) throw new ValidationError(errors);
  return topics.map((t) => t.id);
}

function rowOf(input: EngagementInput) {
  const [year, month] = input.date.split('-').map(Number);
  return {
    date: input.date,
    start_time: input.start_time ?? null,
    year,
    month,
    duration_minutes: input.duration_minutes,
    format: input.format,
    status: input.status,
    // 0 until known, as for the programs' meetings: counted only once delivered.
    participant_count: input.participant_count ?? 0,
    summary: input.summary?.trim() || null,
    follow_up_actions: input.follow_up_actions?.trim() || null,
    follow_up_date: input.follow_up_date ?? null,
    location: input.location?.trim() || null,
    meeting_url: input.meeting_url?.trim() || null,
  };
}

/**
 * Cohort meetings and network events are kept from their programs' pages (attendance sets their
 * states and counts), so the general engagement forms do not add, edit or delete them; cancelling
 * one is allowed.
 */
async function refuseProgramEngagement(caseId: number): Promise<void> {
  if (await belongsToProgram(caseId))
    throw new ConflictError('This meeting belongs to a program: change it, and take its attendance, from the cohort or network page.');
}

/** The engagement and its case, if the user may work on the case; otherwise 404 (the refusal is audited). */
export async function engagementWithCase(id: number, user: Staff, meta: Meta = {}): Promise<{ engagement: EngagementFull; kase: CaseRow }> {
  const engagement = await findEngagement(id);
  if (!engagement) throw new NotFoundError('We could not find that engagement.');
  const kase = await caseForUser(engagement.case_id, user, meta);
  return { engagement, kase };
}

/** The engagement if the user may work on its case (to read it, or to cancel it); otherwise 404. */
export async function engagementForUser(id: number, user: Staff, meta: Meta = {}): Promise<EngagementFull> {
  return (await engagementWithCase(id, user, meta)).engagement;
}

/**
 * Who may change or delete an engagement, for every caller (the web forms, the API, the CLI):
 * staff who may work on its case (directors, and the case's lead and supporting consultants;
 * anyone else gets the 404 of an engagement that does not exist), and not a program's meeting
 * (409: those are kept from the cohort or network page, and may only be cancelled).
 */
export async function engagementToChange(id: number, user: Staff, meta: Meta = {}): Promise<{ engagement: EngagementFull; kase: CaseRow }> {
  const found = await engagementWithCase(id, user, meta);
  await refuseProgramEngagement(found.kase.id);
  return found;
}

/** The case, if the user may add engagements to it: not to a declined or withdrawn case (409). */
export async function caseOpenForEngagements(caseId: number, user: Staff, meta: Meta = {}): Promise<CaseRow> {
  const kase = await caseForUser(caseId, user, meta);
  // The case page offers no "Add an engagement" on these; a hand-made post must not add one either.
  if (kase.status === 'declined' || kase.status === 'withdrawn')
    throw new ConflictError(`This case is ${kase.status}: engagements can no longer be added to it.`);
  return kase;
}

/** Adds an engagement to a case; a delivered one may move the case to in progress. */
export async function createEngagement(caseId: number, payload: unknown, actor: Staff, ctx: EngagementContext): Promise<number> {
  const kase = await caseOpenForEngagements(caseId, actor);
  await refuseProgramEngagement(caseId);
  const input = validateEngagement(payload);
  const topicIds = await checkRules(input, ctx, kase);
  return transaction(async (trx) => {
    const at = nowIso();
    const row = rowOf(input);
    const id = await insertEngagement(trx, { ...row, case_id: caseId, created_by: actor.id, created_at: at, updated_at: at });
    const children = {
      consultant_ids: input.consultant_ids,
      jurisdictions: input.jurisdictions,
      topic_ids: topicIds,
      attendees: input.attendees ?? [],
    };
    await insertChildren(trx, { id, ...row }, children);
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'engagement.added',
      after: { engagement_id: id, ...snapshot({ ...row, ...children, topics: input.topics ?? [] }) },
      created_at: at,
    });
    await noteEngagementChange(trx, caseId, actor.id, ctx.timeZone);
    return id;
  });
}

/** The engagement read again inside the transaction, locked, and refused if saved since `expectedVersion`. */
async function engagementInTransaction(trx: Tx, id: number, expectedVersion?: number): Promise<EngagementFull> {
  const existing = await lockEngagement(trx, id);
  if (!existing) throw new NotFoundError('We could not find that engagement.');
  const current = Number(existing.version ?? 1);
  if (expectedVersion !== undefined && current !== expectedVersion) {
    const concerns = (e: { kind: string; before: Record<string, unknown>; after: Record<string, unknown> }) =>
      e.kind.startsWith('engagement.') && (Number(e.after.engagement_id) === id || Number(e.before.engagement_id) === id);
    throw await editConflict(trx, existing.case_id, current, expectedVersion, concerns);
  }
  return existing;
}

/**
 * Changes an engagement; the timeline keeps each changed field before and after. Everything the
 * change depends on is read inside its transaction, the engagement's row locked. With
 * `expectedVersion` (the version a form was opened at, or an API client's If-Match), a save over
 * a newer version throws EditConflictError (409) and changes nothing.
 */
export async function updateEngagement(
  id: number,
  payload: unknown,
  actor: Staff,
  ctx: EngagementContext,
  expectedVersion?: number,
): Promise<EngagementFull> {
  await engagementToChange(id, actor);
  const input = validateEngagement(payload);
  return transaction(async (trx) => {
    const existing = await engagementInTransaction(trx, id, expectedVersion);
    const kase = await findCaseById(existing.case_id, trx);
    if (!kase) throw new NotFoundError('We could not find that case.');
    const topicIds = await checkRules(input, ctx, kase, existing.consultant_ids, trx);
    const at = nowIso();
    const row = rowOf(input);
    const children = {
      consultant_ids: input.consultant_ids,
      jurisdictions: input.jurisdictions,
      topic_ids: topicIds,
      attendees: input.attendees ?? [],
    };
    const changes = engagementChanges(existing, { ...row, ...children, topics: input.topics ?? [] });
    // A new calendar SEQUENCE when the meeting moves or changes status, so that the file mailed
    // with the change replaces the event people already have.
    const recalendared = movesMeeting(changes.after) || 'status' in changes.after;
    await updateEngagementRow(trx, id, {
      ...row,
      ...(recalendared ? { sequence: Number(existing.sequence ?? 0) + 1 } : {}),
      updated_at: at,
    });
    await replaceChildren(trx, { id, ...row }, children);
    if (Object.keys(changes.after).length) {
      await recordEvent(trx, {
        case_id: existing.case_id,
        actor_user_id: actor.id,
        actor_kind: 'staff',
        kind: 'engagement.updated',
        before: { engagement_id: id, ...changes.before },
        after: { engagement_id: id, ...changes.after },
        created_at: at,
      });
    }
    await noteEngagementChange(trx, existing.case_id, actor.id, ctx.timeZone);
    return existing;
  });
}

/** Cancels an engagement: it keeps its record but counts nowhere. `expectedVersion` as for updateEngagement. */
export async function cancelEngagement(
  id: number,
  actor: Staff,
  timeZone = programTimeZone(),
  expectedVersion?: number,
): Promise<EngagementFull> {
  await engagementForUser(id, actor);
  return transaction(async (trx) => {
    const existing = await engagementInTransaction(trx, id, expectedVersion);
    if (existing.status === 'cancelled') return existing;
    await cancelInTransaction(trx, existing, actor.id, nowIso());
    await noteEngagementChange(trx, existing.case_id, actor.id, timeZone);
    return existing;
  });
}

/** Deletes an engagement; the timeline keeps what it was. */
export async function deleteEngagement(id: number, actor: Staff, timeZone = programTimeZone()): Promise<EngagementFull> {
  const { engagement: existing } = await engagementToChange(id, actor);
  await transaction(async (trx) => {
    await deleteEngagementRow(trx, id);
    await recordEvent(trx, {
      case_id: existing.case_id,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'engagement.deleted',
      before: { engagement_id: id, ...snapshot(existing), sequence: Number(existing.sequence ?? 0) + 1 },
      created_at: nowIso(),
    });
    await noteEngagementChange(trx, existing.case_id, actor.id, timeZone);
  });
  return existing;
}
