import { STATUSES, PRIORITIES } from '../vocabulary';

export interface TimelineEvent {
  kind: string;
  actor_kind: string;
  actor_name: string | null;
  created_at: string | Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const statusWord = (s: unknown) => STATUSES[s as keyof typeof STATUSES] ?? String(s);
const show = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : Array.isArray(v) ? v.join(', ') || '(none)' : String(v));

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
        { field: 'Supporting', before: show(((b.supporting_ids as unknown[]) ?? []).map(userName)), after: show(((a.supporting_ids as unknown[]) ?? []).map(userName)) },
      ].filter((c) => c.before !== c.after);
      break;
    case 'case.status_changed':
      headline = `Moved the case to ${statusWord(a.status)}`;
      changes = [{ field: 'Status', before: statusWord(b.status), after: statusWord(a.status) }];
      text = (a.reason ?? a.closing_summary ?? (a.via ? `After the ${a.via}` : undefined)) as string | undefined;
      break;
    case 'case.priority_changed':
      headline = 'Changed the priority';
      changes = [{ field: 'Priority', before: PRIORITIES[b.priority as 'normal'] ?? show(b.priority), after: PRIORITIES[a.priority as 'normal'] ?? show(a.priority) }];
      break;
    case 'case.updated':
      headline = 'Edited the request';
      changes = Object.keys(a).map((field) => ({ field, before: show(b[field]), after: show(a[field]) }));
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
