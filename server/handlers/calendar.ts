import type { Response } from 'express';
import type { Config } from '../config';
import { engagementCalendar } from '../services/ical.service';

/** Sends an engagement as an .ics file. */
export function sendCalendar(
  res: Response,
  config: Config,
  e: Parameters<typeof engagementCalendar>[0],
  kase: { reference: string; title: string },
  url?: string,
): void {
  const body = engagementCalendar(e, {
    reference: kase.reference,
    title: kase.title,
    timeZone: config.timeZone,
    host: new URL(config.publicUrl).host,
    url,
  });
  res
    .status(200)
    .type('text/calendar; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="leep-${kase.reference}-${e.date}.ics"`)
    .send(body);
}
