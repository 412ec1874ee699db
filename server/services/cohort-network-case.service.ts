import { nowIso } from '../values';
import { insertCase, insertCaseTopics } from '../queries/case.queries';
import { newCaseRow, takeReference } from './case-row';
import type { Tx } from '../queries/database.queries';
import {
  EngagementFull,
  deleteEngagementRow,
  insertChildren,
  insertEngagement,
  replaceChildren,
  updateEngagementRow,
} from '../queries/engagement.queries';
import type { Attendee } from '../schemas/engagement.schemas';
import { noteEngagementChange } from './case.service';
import { recordEvent } from './events.service';
import { engagementChanges, snapshot } from './engagement-changes';
import { addDays, todayIn } from './time';
import { yearIn } from './request.service';
import { randomToken } from './tokens';

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
  const reference = await takeReference(trx, year);
  // Nobody is given this case's status link (the requester is the director), but the column
  // is the case's key for the status page and must hold a token's hash, like every case's.
  const token = randomToken();
  const status = input.lead ? 'assigned' : 'new';
  const caseId = await insertCase(
    trx,
    newCaseRow({
      reference,
      track: input.track,
      source: 'staff',
      status,
      jurisdiction: input.jurisdiction,
      requester: { name: director.name, email: director.email, title: 'Director, LEEP' },
      organization: { type: 'other', name: input.organizationName },
      preferredFormat: input.preferredFormat,
      title: input.title.slice(0, 120),
      needs: input.needs,
      preferredStart: input.preferredStart,
      deadline: input.deadline,
      lead: input.lead ? { id: director.id, assignedAt: at, businessDays: 0 } : null,
      statusToken: { token, secret: ctx.secret },
      idempotency: { key: input.idempotencyKey ?? null },
      at,
    }),
  );
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
  await insertChildren(trx, { id, ...row }, children);
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
