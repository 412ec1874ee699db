import ical, { ICalCalendarMethod } from 'ical-generator';
import type { EngagementRow } from '../queries/engagement.queries';
import { FORMATS } from '../vocabulary';
import { addDays, zonedToUtc } from './time';

export type CalendarEngagement = Pick<EngagementRow, 'id' | 'date' | 'start_time' | 'duration_minutes' | 'format' | 'status'> &
  Partial<Pick<EngagementRow, 'sequence' | 'location' | 'meeting_url'>>;

interface CalendarMeta {
  reference: string;
  title: string;
  timeZone: string;
  host: string;
  url?: string;
  /**
   * For a calendar sent by mail: REQUEST adds or updates the event the recipient has (same UID,
   * higher SEQUENCE), CANCEL removes it. Both need an organizer (RFC 5546). A download has none.
   */
  method?: 'REQUEST' | 'CANCEL';
  organizer?: { name: string; email: string };
}

/**
 * One engagement as an iCalendar (RFC 5545) file. A timed engagement is written in UTC, which
 * every calendar shows in its own zone; one without a start time is an all-day event. The UID is
 * the engagement's for life, so that a later file moves or cancels the event made by the first.
 */
export function engagementCalendar(e: CalendarEngagement, meta: CalendarMeta): string {
  const calendar = ical({ prodId: { company: 'NASBE', product: 'LEEP TA Tracker', language: 'EN' }, name: `LEEP ${meta.reference}` });
  if (meta.method) calendar.method(meta.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST);
  const format = FORMATS[e.format as keyof typeof FORMATS] ?? e.format;
  const summary = `LEEP: ${format} (${meta.reference})`;
  const place = [e.location, e.meeting_url].filter(Boolean).join('\n');
  const description = `${meta.title}\n${format}, ${e.duration_minutes} minutes.${place ? `\n${place}` : ''}${meta.url ? `\n${meta.url}` : ''}`;
  const cancelled = e.status === 'cancelled' || meta.method === 'CANCEL';
  const common = {
    id: `engagement-${e.id}@${meta.host}`,
    sequence: Number(e.sequence ?? 0),
    summary,
    description,
    // The meeting link is the event's URL when there is one; otherwise the page to follow it on.
    url: e.meeting_url || meta.url,
    location: e.location || e.meeting_url || undefined,
    stamp: new Date(),
    ...(meta.organizer && meta.method ? { organizer: meta.organizer } : {}),
    ...(cancelled ? { status: 'CANCELLED' as never } : {}),
  };
  if (e.start_time) {
    const start = zonedToUtc(e.date, e.start_time, meta.timeZone);
    calendar.createEvent({ ...common, start, end: new Date(start.getTime() + e.duration_minutes * 60_000) });
  } else {
    const [y, m, d] = e.date.split('-').map(Number);
    const [y2, m2, d2] = addDays(e.date, 1).split('-').map(Number);
    calendar.createEvent({ ...common, allDay: true, start: new Date(Date.UTC(y, m - 1, d)), end: new Date(Date.UTC(y2, m2 - 1, d2)) });
  }
  return calendar.toString();
}

/** The METHOD of a calendar file, for the attachment's content type (PUBLISH when it has none). */
export function calendarMethod(ics: string): string {
  return /\r?\nMETHOD:([A-Z]+)\r?\n/.exec(ics)?.[1] ?? 'PUBLISH';
}
