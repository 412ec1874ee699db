import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS, PRIORITIES, STATUSES } from '../vocabulary';
import { clockTime, humanTime } from './human-time';

export interface TimelineEvent {
  kind: string;
  actor_kind: string;
  actor_name: string | null;
  created_at: string | Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const statusWord = (s: unknown) => STATUSES[s as keyof typeof STATUSES] ?? String(s);

/** Words for the fields that timeline entries list. */
const FIELD_LABELS: Record<string, string> = {
  jurisdiction: 'State or jurisdiction',
  name: 'Requester',
  email: 'E-mail',
  phone: 'Phone',
  role: 'Title or role',
  organization_type: 'Type of organization',
  organization_name: 'Organization',
  track: 'Program',
  topics: 'Topics',
  preferred_format: 'Preferred format',
  title: 'Title',
  needs: 'What they need',
  outcomes: 'Desired outcomes',
  preferred_start: 'Preferred start',
  deadline: 'Deadline',
  expected_participants: 'Expected participants',
  date: 'Date',
  start_time: 'Start time',
  duration_minutes: 'Duration (minutes)',
  format: 'Format',
  status: 'Status',
  participant_count: 'Participants',
  consultant_ids: 'Facilitators',
  jurisdictions: 'Participating states',
  attendees: 'Attendees',
  summary: 'Summary notes',
  follow_up_actions: 'Follow-up actions',
  follow_up_date: 'Follow-up date',
  location: 'Place',
  meeting_url: 'Video-meeting link',
};
const label = (field: string) => FIELD_LABELS[field] ?? field;
// Calendar dates have no time zone: any zone's formatter shows them the same.
const DAYS = humanTime('UTC');

/** An engagement field's value in words. */
function engagementValue(field: string, v: unknown, userName: (id: unknown) => string): string {
  if ((field === 'date' || field === 'follow_up_date') && typeof v === 'string' && v) return DAYS.calendarDate(v) || v;
  if (field === 'start_time' && typeof v === 'string' && /^\d{2}:\d{2}/.test(v)) return clockTime(v.slice(0, 5));
  if (field === 'consultant_ids' && Array.isArray(v)) return show(v.map(userName));
  if (field === 'format') return FORMATS[v as keyof typeof FORMATS] ?? show(v);
  if (field === 'status') return ENGAGEMENT_STATUSES[v as keyof typeof ENGAGEMENT_STATUSES] ?? show(v);
  if (field === 'attendees' && Array.isArray(v)) {
    return show(
      v.map(
        (a: { name?: string; role?: string; jurisdiction?: string }) =>
          [a.name, [a.role, a.jurisdiction].filter(Boolean).join(', ')].filter(Boolean).join(' (') + (a.role || a.jurisdiction ? ')' : ''),
      ),
    );
  }
  return show(v);
}
const show = (v: unknown) =>
  v === null || v === undefined || v === '' ? '(empty)' : Array.isArray(v) ? v.join(', ') || '(none)' : String(v);

/** One timeline entry in words: a headline, the changes (before and after) and any text. */
export function describeEvent(e: TimelineEvent, userName: (id: unknown) => string) {
  const who = e.actor_kind === 'requester' ? 'Requester' : e.actor_kind === 'system' ? 'System' : (e.actor_name ?? 'Staff');
  const a = e.after ?? {};
  const b = e.before ?? {};
  let headline = e.kind;
  let changes: { field: string; before: string; after: string }[] = [];
  let text: string | undefined;
  switch (e.kind) {
    case 'case.created':
      headline = a.source === 'staff' ? 'Opened the case' : 'Submitted the request';
      break;
    case 'case.assigned':
      headline = 'Changed the assignment';
      changes = [
        { field: 'Lead', before: b.lead_consultant_id ? userName(b.lead_consultant_id) : '(none)', after: userName(a.lead_consultant_id) },
        {
          field: 'Supporting',
          before: show(((b.supporting_ids as unknown[]) ?? []).map(userName)),
          after: show(((a.supporting_ids as unknown[]) ?? []).map(userName)),
        },
      ].filter((c) => c.before !== c.after);
      break;
    case 'case.status_changed':
      headline = `Moved the case to ${statusWord(a.status)}`;
      changes = [{ field: 'Status', before: statusWord(b.status), after: statusWord(a.status) }];
      text = (a.reason ?? a.closing_summary ?? (a.via ? `After the ${a.via}` : undefined)) as string | undefined;
      break;
    case 'case.priority_changed':
      headline = 'Changed the priority';
      changes = [
        {
          field: 'Priority',
          before: PRIORITIES[b.priority as 'normal'] ?? show(b.priority),
          after: PRIORITIES[a.priority as 'normal'] ?? show(a.priority),
        },
      ];
      break;
    case 'case.updated':
      headline = 'Edited the request';
      changes = Object.keys(a).map((field) => ({ field: label(field), before: show(b[field]), after: show(a[field]) }));
      break;
    case 'engagement.added':
      headline = `Added an engagement: ${engagementValue('format', a.format, userName)} on ${engagementValue('date', a.date, userName)} (${engagementValue('status', a.status, userName).toLowerCase()})`;
      break;
    case 'engagement.updated':
      headline = 'Changed an engagement';
      changes = Object.keys(a)
        .filter((f) => f !== 'engagement_id')
        .map((field) => ({
          field: label(field),
          before: engagementValue(field, b[field], userName),
          after: engagementValue(field, a[field], userName),
        }));
      break;
    case 'engagement.deleted':
      headline = `Deleted the engagement of ${engagementValue('date', b.date, userName)} (${engagementValue('format', b.format, userName)}, ${engagementValue('status', b.status, userName).toLowerCase()})`;
      break;
    case 'case.feedback_received':
      headline = 'Rated the help';
      text = `Quality ${show(a.quality)}, relevance ${show(a.relevance)}, usefulness ${show(a.usefulness)} (out of 5)${a.comment ? `: ${String(a.comment)}` : ''}`;
      break;
    case 'case.note_added':
      headline = 'Added an internal note';
      text = String(a.body ?? '');
      break;
    case 'case.message_sent':
      headline = 'Sent a message to the requester';
      text = String(a.body ?? '');
      break;
    case 'case.message_received':
      headline = 'Sent a message to the team';
      text = String(a.body ?? '');
      break;
    default:
      changes = Object.keys({ ...a, ...b }).map((field) => ({ field, before: show(b[field]), after: show(a[field]) }));
  }
  return { who, at: e.created_at, headline, changes, text };
}
