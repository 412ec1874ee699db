import type { Tx } from '../queries/database.queries';
import { activeStaffAmong, engagementWithConsultants } from '../queries/engagement.queries';
import { CLOSED_STATUSES, FORMATS } from '../vocabulary';
import { movesMeeting } from './engagement-changes';
import { CalendarEngagement, engagementCalendar } from './ical.service';
import { humanTime } from './human-time';

/** One message to write to the outbox. */
export interface Message {
  kind: string;
  to: string;
  subject: string;
  data: Record<string, unknown>;
  ics?: string;
}

export interface EngagementMailContext {
  kase: { id: number; reference: string; title: string; status: string; requester_email: string };
  common: Record<string, unknown>;
  timeZone: string;
  host: string;
  /** The sender, as the calendar's ORGANIZER (RFC 5546 wants one on REQUEST and CANCEL). */
  organizer: { name: string; email: string };
}

type EngagementEvent = { kind: string; before: Record<string, unknown>; after: Record<string, unknown> };
type Engagement = CalendarEngagement & { consultant_ids: number[] };

/** The engagement as it is now, or as the deletion event kept it. */
async function engagementOf(trx: Tx, event: EngagementEvent): Promise<Engagement | undefined> {
  if (event.kind === 'engagement.deleted') {
    const b = event.before;
    return {
      ...(b as unknown as CalendarEngagement),
      id: Number(b.engagement_id),
      status: 'cancelled',
      consultant_ids: (b.consultant_ids as number[]) ?? [],
    };
  }
  return engagementWithConsultants(Number(event.after.engagement_id), trx);
}

/**
 * The messages an engagement's event causes: to the requester when a meeting is scheduled, moved
 * or cancelled, and to its consultants when it is moved or cancelled, each with a calendar file
 * that adds, updates (same UID, higher SEQUENCE) or cancels (METHOD:CANCEL) the event.
 */
export async function engagementMessages(trx: Tx, event: EngagementEvent, ctx: EngagementMailContext): Promise<Message[]> {
  const { before, after, kind } = event;
  const cancelled =
    kind === 'engagement.deleted'
      ? before.status === 'scheduled'
      : kind === 'engagement.updated' && after.status === 'cancelled' && before.status === 'scheduled';
  const moved = kind === 'engagement.updated' && movesMeeting(after);
  const rescheduled = kind === 'engagement.updated' && after.status === 'scheduled';
  const added = kind === 'engagement.added' && after.status === 'scheduled';
  if (!cancelled && !moved && !rescheduled && !added) return [];
  const e = await engagementOf(trx, event);
  if (!e) return [];
  // A completed or closed case has no meetings ahead: a change to one left on it tells nobody.
  if (!cancelled && (e.status !== 'scheduled' || (CLOSED_STATUSES as readonly string[]).includes(ctx.kase.status))) return [];

  const format = FORMATS[e.format as keyof typeof FORMATS] ?? e.format;
  const human = humanTime(ctx.timeZone);
  const day = human.calendarDate(e.date);
  const when = e.start_time ? human.dateAndTime(e.date, e.start_time) : `${day} (all day)`;
  const ics = engagementCalendar(e, {
    reference: ctx.kase.reference,
    title: ctx.kase.title,
    timeZone: ctx.timeZone,
    host: ctx.host,
    method: cancelled ? 'CANCEL' : 'REQUEST',
    organizer: ctx.organizer,
  });
  const data = {
    ...ctx.common,
    when,
    format,
    duration: e.duration_minutes,
    location: e.location ?? undefined,
    meetingUrl: e.meeting_url ?? undefined,
    moved,
    cancelled,
  };
  const messages: Message[] = [];
  if (cancelled) {
    messages.push({
      kind: 'engagement-cancelled',
      to: ctx.kase.requester_email,
      subject: `Cancelled: ${format} on ${day} (${ctx.kase.reference})`,
      data,
      ics,
    });
  } else {
    messages.push({
      kind: 'engagement-scheduled',
      to: ctx.kase.requester_email,
      subject: `${moved ? 'Moved' : 'Scheduled'}: ${format} on ${day} (${ctx.kase.reference})`,
      data,
      ics,
    });
  }
  if (cancelled || moved) {
    const team = await activeStaffAmong(e.consultant_ids, trx);
    for (const u of team) {
      messages.push({
        kind: 'engagement-team',
        to: u.email,
        subject: `${cancelled ? 'Cancelled' : 'Moved'}: ${format} on ${day} (${ctx.kase.reference})`,
        data: { ...data, consultantName: u.name },
        ics,
      });
    }
  }
  return messages;
}
