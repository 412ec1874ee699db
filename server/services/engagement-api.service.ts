import { toDate } from '../values';
import { NotFoundError } from '../errors';
import { caseIdByReference } from '../queries/case.queries';
import { caseForUser, type Staff } from './case.service';
import {
  type EngagementContext,
  type EngagementFull,
  cancelEngagement,
  createEngagement,
  engagementWithCase,
  updateEngagement,
} from './engagement.service';

/**
 * The engagements of the staff API: the same service functions as the forms (and so the same
 * rules and permissions), their answers in the API's JSON shape.
 */

type Meta = { path?: string; ip?: string };

/** The case a reference (`TA-2026-0042`) names, if this person may see it; otherwise 404. */
export async function caseForUserByReference(reference: string, actor: Staff, meta: Meta = {}) {
  const id = /^[A-Za-z0-9-]{1,40}$/.test(reference) ? await caseIdByReference(reference) : undefined;
  if (!id) throw new NotFoundError('We could not find that case.');
  return caseForUser(id, actor, meta);
}

/** An engagement as the API shows it, if the actor may see it (otherwise 404); `version` is its ETag's. */
export async function engagementJson(id: number, actor: Staff, meta: Meta = {}) {
  const { engagement: e, kase } = await engagementWithCase(id, actor, meta);
  return {
    id: e.id,
    case_reference: kase.reference,
    date: e.date,
    start_time: e.start_time ?? null,
    duration_minutes: e.duration_minutes,
    format: e.format,
    status: e.status,
    participant_count: e.participant_count,
    consultant_ids: e.consultant_ids,
    jurisdictions: e.jurisdictions,
    topics: e.topics,
    attendees: e.attendees,
    summary: e.summary ?? null,
    follow_up_actions: e.follow_up_actions ?? null,
    follow_up_date: e.follow_up_date ?? null,
    location: e.location ?? null,
    meeting_url: e.meeting_url ?? null,
    updated_at: (toDate(e.updated_at) as Date).toISOString(),
    version: e.version ?? 1,
  };
}

/** Records an engagement on a case (as the form does); answers it as the API shows it. */
export async function createEngagementJson(caseId: number, payload: unknown, actor: Staff, ctx: EngagementContext) {
  return engagementJson(await createEngagement(caseId, payload, actor, ctx), actor);
}

/** The engagement in the JSON shape of the save schema, for a PATCH to change some of its fields. */
function inputOf(e: EngagementFull): Record<string, unknown> {
  const input: Record<string, unknown> = {
    date: e.date,
    duration_minutes: e.duration_minutes,
    format: e.format,
    status: e.status,
    consultant_ids: e.consultant_ids,
    jurisdictions: e.jurisdictions,
    topics: e.topics,
    attendees: e.attendees,
  };
  // 0 is "not yet known" (the schema's minimum is 1).
  if (e.participant_count > 0) input.participant_count = e.participant_count;
  for (const k of ['start_time', 'summary', 'follow_up_actions', 'follow_up_date', 'location', 'meeting_url'] as const) {
    if (e[k] !== null && e[k] !== undefined && e[k] !== '') input[k] = e[k];
  }
  return input;
}

/**
 * A PATCH: the fields in `changes` replace the engagement's, the others are kept, and the whole is
 * saved through `updateEngagement` (its rules, permissions and `expectedVersion` check).
 */
export async function patchEngagementJson(
  id: number,
  changes: Record<string, unknown>,
  actor: Staff,
  ctx: EngagementContext,
  expectedVersion?: number,
) {
  const { engagement } = await engagementWithCase(id, actor);
  await updateEngagement(id, { ...inputOf(engagement), ...changes }, actor, ctx, expectedVersion);
  return engagementJson(id, actor);
}

/** Cancels an engagement (as the Cancel button does); answers it as the API shows it. */
export async function cancelEngagementJson(id: number, actor: Staff, timeZone: string, expectedVersion?: number) {
  await cancelEngagement(id, actor, timeZone, expectedVersion);
  return engagementJson(id, actor);
}
