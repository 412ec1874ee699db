import ical from 'ical-generator';
import type { EngagementRow } from '../queries/engagement.queries';
import { FORMATS } from '../vocabulary';
import { addDays, zonedToUtc } from './time';

/**
 * One engagement as an iCalendar (RFC 5545) file. A timed engagement is written in UTC, which
 * every calendar shows in its own zone; one without a start time is an all-day event.
 */
export function engagementCalendar(
  e: Pick<EngagementRow, 'id' | 'date' | 'start_time' | 'duration_minutes' | 'format' | 'status'>,
  meta: { reference: string; title: string; timeZone: string; host: string; url?: string },
): string {
  const calendar = ical({ prodId: { company: 'NASBE', product: 'LEEP TA Tracker', language: 'EN' }, name: `LEEP ${meta.reference}` });
  const format = FORMATS[e.format as keyof typeof FORMATS] ?? e.format;
  const summary = `LEEP: ${format} (${meta.reference})`;
  const description = `${meta.title}\n${format}, ${e.duration_minutes} minutes.${meta.url ? `\n${meta.url}` : ''}`;
  const common = {
    id: `engagement-${e.id}@${meta.host}`,
    summary,
    description,
    url: meta.url,
    stamp: new Date(),
    ...(e.status === 'cancelled' ? { status: 'CANCELLED' as never } : {}),
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
