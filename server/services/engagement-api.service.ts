import { toDate } from '../values';
import { NotFoundError } from '../errors';
import { caseIdByReference, findCaseById } from '../queries/case.queries';
import { type EngagementFull, findEngagement } from '../queries/engagement.queries';
import { caseForUser, type Staff } from './case.service';

export type { EngagementFull };

/** The case a reference (`TA-2026-0042`) names, if this person may see it; otherwise 404. */
export async function caseForUserByReference(reference: string, actor: Staff, meta: { path?: string; ip?: string } = {}) {
  const id = /^[A-Za-z0-9-]{1,40}$/.test(reference) ? await caseIdByReference(reference) : undefined;
  if (!id) throw new NotFoundError('We could not find that case.');
  return caseForUser(id, actor, meta);
}

/** An engagement as the API shows it, read again (after a write the caller may see it: it just made it). */
export async function engagementJsonById(id: number) {
  const e = await findEngagement(id);
  if (!e) throw new NotFoundError('We could not find that engagement.');
  return engagementJson(e);
}

/** An engagement as the API shows it. */
export async function engagementJson(e: EngagementFull) {
  return {
    id: e.id,
    case_reference: (await findCaseById(e.case_id))?.reference ?? '',
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
