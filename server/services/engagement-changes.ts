import type { EngagementFull } from '../queries/engagement.queries';

/**
 * What an engagement's change is, computed once: the timeline's before/after (the case events),
 * the calendar SEQUENCE that a move raises, and the update mail that a move sends all read it.
 */

/** An engagement as the timeline sees it: without its keys, times of writing and derived columns. */
type EngagementState = Omit<EngagementFull, 'id' | 'case_id' | 'created_by' | 'created_at' | 'updated_at' | 'year' | 'month' | 'topic_ids'>;

/** The fields whose change moves the meeting in the calendars of the people invited. */
const MEETING_FIELDS = ['date', 'start_time', 'duration_minutes', 'location', 'meeting_url'];

/** What the timeline keeps of an engagement. */
export function snapshot(e: EngagementState): Record<string, unknown> {
  return {
    date: e.date,
    start_time: e.start_time,
    duration_minutes: e.duration_minutes,
    format: e.format,
    status: e.status,
    participant_count: e.participant_count,
    // Sorted, so that a different order of the same choices is not recorded as a change.
    consultant_ids: [...e.consultant_ids].sort((a, b) => a - b),
    jurisdictions: [...e.jurisdictions].sort(),
    topics: [...e.topics].sort(),
    attendees: e.attendees,
    summary: e.summary,
    follow_up_actions: e.follow_up_actions,
    follow_up_date: e.follow_up_date,
    location: e.location ?? null,
    meeting_url: e.meeting_url ?? null,
  };
}

/** The fields of an engagement that changed, each before and after, as the timeline keeps them. */
export function engagementChanges(
  before: EngagementState,
  after: EngagementState,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b = snapshot(before);
  const a = snapshot(after);
  const changes = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const key of Object.keys(a)) {
    if (JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null)) {
      changes.before[key] = b[key] ?? null;
      changes.after[key] = a[key] ?? null;
    }
  }
  return changes;
}

/** True when a change (the `after` of its event) moves the meeting: another day, time, length or place. */
export function movesMeeting(after: Record<string, unknown>): boolean {
  return MEETING_FIELDS.some((k) => k in after);
}
