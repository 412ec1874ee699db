import { nowIso } from '../values';
import { insertCase, insertCaseTopics, nextReferenceNumber } from '../queries/case.queries';
import type { Tx } from '../queries/database.queries';
import { EngagementFull, deleteEngagementRow, insertEngagement, replaceChildren, updateEngagementRow } from '../queries/engagement.queries';
import type { Attendee } from '../schemas/engagement.schemas';
import { noteEngagementChange } from './case.service';
import { recordEvent } from './events.service';
import { engagementChanges, snapshot } from './engagement-changes';
import { addDays, todayIn } from './time';
import { yearIn } from './request.service';
import { hashToken, randomToken, sealToken } from './tokens';

/** The signed-in director or consultant acting. */
export interface Actor {
  id: number;
  role: 'director' | 'consultant';
  name: string;
  email: string;
}

/**
 * Cohort meetings and network events are group sessions: they are stored with the format of a
 * small-group facilitation (whether virtual or in person is kept on the meeting).
 */
export const PROGRAM_FORMAT = 'small_group';

interface ProgramCaseInput {
  track: 'cohort' | 'network';
  jurisdiction: string;
  title: string;
  needs: string;
  organizationName: string;
  preferredFormat: string;
  /** With a lead the case opens assigned to the director (the program's own work); without, it is new and goes to triage. */
  lead: boolean;
  topicIds?: number[];
  topics?: string[];
  preferredStart?: string | null;
  deadline?: string | null;
  idempotencyKey?: string | null;
}

export interface ProgramContext {
  secret: string;
  timeZone: string;
  now?: Date;
}

/**
 * The case row of a program case (the one place it is built here, to be switched to the shared
 * case-row builder).
 */
function programCaseRow(
  input: ProgramCaseInput,
  director: Actor,
  made: { reference: string; status: string; token: string; secret: string; at: string },
) {
  const { reference, status, token, at } = made;
  return {
    reference,
    track: input.track,
    status,
    priority: 'normal',
    source: 'staff',
    jurisdiction_code: input.jurisdiction,
    requester_name: director.name,
    requester_email: director.email,
    requester_phone: null,
    requester_title: 'Director, LEEP',
    organization_type: 'other',
    organization_name: input.organizationName,
    preferred_format: input.preferredFormat,
    title: input.title.slice(0, 120),
    needs: input.needs,
    outcomes: null,
    preferred_start: input.preferredStart ?? null,
    deadline: input.deadline ?? null,
    expected_participants: null,
    lead_consultant_id: input.lead ? director.id : null,
    closing_summary: null,
    closing_reason: null,
    status_token_hash: hashToken(token),
    status_token_enc: sealToken(made.secret, token),
    idempotency_key: input.idempotencyKey ?? null,
    request_hash: null,
    submitted_at: at,
    first_assigned_at: input.lead ? at : null,
    assignment_business_days: input.lead ? 0 : null,
    first_engagement_at: null,
    closed_at: null,
    created_at: at,
    updated_at: at,
  };
}

/**
 * Opens a case for the National Cohort or the State Policy Network, staff-sourced, with the
 * director as its requester, inside the caller's transaction. Its reference is taken first, as
 * for every case: it must be the first write of the transaction (see nextReferenceNumber).
 */
export async function openProgramCase(
  trx: Tx,
  input: ProgramCaseInput,
  director: Actor,
  ctx: ProgramContext,
): Promise<{ caseId: number; reference: string }> {
  const now = ctx.now ?? new Date();
  const at = nowIso(now);
  const year = yearIn(ctx.timeZone, now);
  const reference = `TA-${year}-${String(await nextReferenceNumber(trx, year)).padStart(4, '0')}`;
  // Nobody is given this case's status link (the requester is the director), but the column
  // is the case's key for the status page and must hold a token's hash, like every case's.
  const token = randomToken();
  const status = input.lead ? 'assigned' : 'new';
  const caseId = await insertCase(trx, programCaseRow(input, director, { reference, status, token, secret: ctx.secret, at }));
  if (input.topicIds?.length) await insertCaseTopics(trx, caseId, input.topicIds);
  await recordEvent(trx, {
    case_id: caseId,
    actor_user_id: director.id,
    actor_kind: 'staff',
    kind: 'case.created',
    after: {
      reference,
      status,
      source: 'staff',
      jurisdiction: input.jurisdiction,
      title: input.title.slice(0, 120),
      topics: input.topics ?? [],
      ...(input.lead ? { lead_consultant_id: director.id } : {}),
    },
    created_at: at,
  });
  return { caseId, reference };
}

interface When {
  date: string;
  start_time: string | null;
  duration_minutes: number;
}

const bucketsOf = (date: string) => {
  const [year, month] = date.split('-').map(Number);
  return { year, month };
};

/**
 * Adds a scheduled engagement for a cohort meeting or a network event to a program case. Nobody
 * has attended yet: it lists no jurisdictions and no participants until attendance is taken.
 */
export async function addProgramEngagement(trx: Tx, caseId: number, when: When, actor: Actor): Promise<number> {
  const at = nowIso();
  const row = {
    date: when.date,
    start_time: when.start_time,
    ...bucketsOf(when.date),
    duration_minutes: when.duration_minutes,
    format: PROGRAM_FORMAT,
    status: 'scheduled',
    participant_count: 0,
    summary: null,
    follow_up_actions: null,
    follow_up_date: null,
  };
  const id = await insertEngagement(trx, { ...row, case_id: caseId, created_by: actor.id, created_at: at, updated_at: at });
  const children = { consultant_ids: [actor.id], jurisdictions: [], topic_ids: [], attendees: [] };
  await replaceChildren(trx, { id, ...row }, children);
  await recordEvent(trx, {
    case_id: caseId,
    actor_user_id: actor.id,
    actor_kind: 'staff',
    kind: 'engagement.added',
    after: { engagement_id: id, ...snapshot({ ...row, ...children, topics: [] }) },
    created_at: at,
  });
  return id;
}

/** Saves a changed engagement row and lists (keeping the copies in engagement_jurisdictions in step) and records what changed. */
async function saveEngagement(trx: Tx, existing: EngagementFull, changes: Partial<EngagementFull>, actor: Actor): Promise<EngagementFull> {
  const next: EngagementFull = { ...existing, ...changes };
  const at = nowIso();
  await updateEngagementRow(trx, existing.id, {
    date: next.date,
    start_time: next.start_time,
    year: next.year,
    month: next.month,
    duration_minutes: next.duration_minutes,
    status: next.status,
    participant_count: next.participant_count,
    summary: next.summary,
    updated_at: at,
  });
  await replaceChildren(trx, next, {
    consultant_ids: next.consultant_ids,
    jurisdictions: next.jurisdictions,
    topic_ids: next.topic_ids,
    attendees: next.attendees,
  });
  const diff = engagementChanges(existing, next);
  if (Object.keys(diff.after).length) {
    await recordEvent(trx, {
      case_id: existing.case_id,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'engagement.updated',
      before: { engagement_id: existing.id, ...diff.before },
      after: { engagement_id: existing.id, ...diff.after },
      created_at: at,
    });
  }
  return next;
}

/** Moves a meeting or event to another day, time or length; its listed jurisdictions keep the new date. */
export async function rescheduleProgramEngagement(
  trx: Tx,
  existing: EngagementFull,
  when: When,
  actor: Actor,
  ctx: ProgramContext,
): Promise<void> {
  const saved = await saveEngagement(
    trx,
    existing,
    { date: when.date, start_time: when.start_time, duration_minutes: when.duration_minutes, ...bucketsOf(when.date) },
    actor,
  );
  // A delivered meeting moved in time may change which engagement is the case's first.
  await noteEngagementChange(trx, saved.case_id, actor.id, ctx.timeZone);
}

/** Removes a meeting or event that never took place; the timeline keeps what it was. */
export async function removeProgramEngagement(trx: Tx, existing: EngagementFull, actor: Actor): Promise<void> {
  await deleteEngagementRow(trx, existing.id);
  await recordEvent(trx, {
    case_id: existing.case_id,
    actor_user_id: actor.id,
    actor_kind: 'staff',
    kind: 'engagement.deleted',
    before: { engagement_id: existing.id, ...snapshot(existing) },
    created_at: nowIso(),
  });
  await noteEngagementChange(trx, existing.case_id, actor.id);
}

interface Attended {
  /** The people present, as the engagement's attendee list keeps them. */
  attendees: Attendee[];
  /** The distinct jurisdictions of the people (or teams) present. */
  jurisdictions: string[];
  participantCount: number;
  summary: string;
}

/**
 * Records who attended a meeting or event: the engagement becomes delivered, lists exactly the
 * jurisdictions of those present and counts them, and its case hears of a delivered engagement
 * (first engagement time, assigned → in progress), as for any engagement.
 */
export async function deliverProgramEngagement(
  trx: Tx,
  existing: EngagementFull,
  attended: Attended,
  actor: Actor,
  ctx: ProgramContext,
): Promise<void> {
  const saved = await saveEngagement(
    trx,
    existing,
    {
      status: 'delivered',
      participant_count: attended.participantCount,
      jurisdictions: [...new Set(attended.jurisdictions)].sort(),
      attendees: attended.attendees,
      summary: attended.summary.trim(),
      consultant_ids: existing.consultant_ids.length ? existing.consultant_ids : [actor.id],
    },
    actor,
  );
  await noteEngagementChange(trx, saved.case_id, actor.id, ctx.timeZone);
}

/** When attendance may be taken: from the day of the meeting (a day's grace for time zones), as for any delivered engagement. */
export function attendanceOpen(date: string, ctx: ProgramContext): boolean {
  return date <= addDays(todayIn(ctx.timeZone, ctx.now), 1);
}
