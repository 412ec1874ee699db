import { NotFoundError } from '../errors';
import { caseMessages } from '../queries/case.queries';
import { type EngagementFull, engagementsOfCase, findEngagement } from '../queries/engagement.queries';
import { findUserById } from '../queries/user.queries';
import {
  CLOSED_STATUSES,
  CaseStatus,
  FORMATS,
  ORGANIZATION_TYPES,
  PREFERRED_FORMATS,
  STATUSES,
  STATUS_FOR_REQUESTER,
  TRACKS,
} from '../vocabulary';
import { feedbackOf } from './feedback.service';
import { jurisdictionNames } from './reference.service';
import { findCaseByStatusToken, receiptSkipped } from './request.service';
import { todayIn } from './time';

/**
 * The requester's status page: what the holder of the link may see of their request. The link is
 * the only key; an unknown one is a page that does not exist.
 */

const UNKNOWN_LINK = 'We could not find a request for this link. Check that you copied the whole link from your e-mail.';

/** What the status page shows of the request behind a status link (404 for an unknown link). */
export async function statusPageOf(token: string, timeZone: string) {
  const found = await findCaseByStatusToken(token);
  if (!found) throw new NotFoundError(UNKNOWN_LINK);
  const [jurisdictions, consultant, messages, engagements, feedback, noReceipt] = await Promise.all([
    jurisdictionNames(),
    found.lead_consultant_id ? findUserById(found.lead_consultant_id) : Promise.resolve(undefined),
    caseMessages(found.id),
    engagementsOfCase(found.id),
    feedbackOf(found.id),
    receiptSkipped(found),
  ]);
  const today = todayIn(timeZone);
  const closed = CLOSED_STATUSES.includes(found.status as CaseStatus);
  // Only what the requester needs to attend: never the staff's summary notes or follow-ups. A
  // completed or closed case has no meetings ahead, whatever is left on it.
  const upcoming = closed
    ? []
    : engagements
        .filter((e) => e.status === 'scheduled' && e.date >= today)
        .map((e) => ({
          id: e.id,
          date: e.date,
          start_time: e.start_time,
          duration_minutes: e.duration_minutes,
          formatLabel: FORMATS[e.format as keyof typeof FORMATS],
          location: e.location,
          meeting_url: e.meeting_url,
        }));
  return {
    title: `Request ${found.reference}`,
    kase: found,
    statusLabel: STATUSES[found.status as keyof typeof STATUSES],
    statusText: STATUS_FOR_REQUESTER[found.status as keyof typeof STATUS_FOR_REQUESTER],
    jurisdiction: jurisdictions.get(found.jurisdiction_code),
    track: TRACKS[found.track as keyof typeof TRACKS],
    format: PREFERRED_FORMATS[found.preferred_format as keyof typeof PREFERRED_FORMATS],
    organizationType: ORGANIZATION_TYPES[found.organization_type as keyof typeof ORGANIZATION_TYPES],
    consultant: consultant ? { name: consultant.name } : undefined,
    upcoming,
    feedbackOpen: found.status === 'completed' && !feedback,
    feedbackGiven: Boolean(feedback),
    messages: messages.map((m: { body: string; created_at: unknown; author_kind: string; author_name: string | null }) => ({
      body: m.body,
      created_at: m.created_at,
      fromStaff: m.author_kind === 'staff',
      author: m.author_kind === 'staff' ? m.author_name : found.requester_name,
    })),
    // A closed request can still be messaged (see storeMessage in case.service.ts).
    canMessage: true,
    closed,
    closingReason: ['declined', 'withdrawn'].includes(found.status) ? found.closing_reason : undefined,
    receiptSkipped: noReceipt,
  };
}

/** A scheduled engagement of the request behind a status link, for its calendar file (404 otherwise). */
export async function scheduledEngagementOf(
  token: string,
  engagementId: number | undefined,
): Promise<{ kase: { reference: string; title: string }; engagement: EngagementFull }> {
  const found = await findCaseByStatusToken(token);
  const engagement = found && engagementId !== undefined ? await findEngagement(engagementId) : undefined;
  if (!found || !engagement || engagement.case_id !== found.id || engagement.status !== 'scheduled') {
    throw new NotFoundError('We could not find that engagement.');
  }
  return { kase: found, engagement };
}
