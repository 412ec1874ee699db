import type { Request, Response } from 'express';
import type { Config } from '../config';
import { deliveredMinutes, openCasesOf, scheduledEngagements } from '../queries/mywork.queries';
import { todayIn } from '../services/time';
import { FORMATS, STATUSES } from '../vocabulary';

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/** A consultant's day: what is coming, what still needs recording, their cases and their hours. */
export async function myWork(req: Request, res: Response): Promise<void> {
  const user = req.user as { id: number; name: string };
  const today = todayIn((req.app.locals.config as Config).timeZone);
  const [year, month] = today.split('-').map(Number);
  const [upcoming, overdue, cases, minutes] = await Promise.all([
    scheduledEngagements(user.id, today, 'upcoming'),
    scheduledEngagements(user.id, today, 'overdue'),
    openCasesOf(user.id),
    deliveredMinutes(user.id, year, month),
  ]);
  const label = (e: { format: string }) => ({ ...e, formatLabel: FORMATS[e.format as keyof typeof FORMATS] });
  res.render('pages/mywork', {
    title: 'My work',
    upcoming: upcoming.map(label),
    overdue: overdue.map(label),
    cases: cases.map((c: { status: string; lead_consultant_id: number | null }) => ({
      ...c,
      statusLabel: STATUSES[c.status as keyof typeof STATUSES],
      isLead: Number(c.lead_consultant_id) === user.id,
    })),
    hoursMonth: hours(minutes.month),
    hoursYear: hours(minutes.year),
    monthName: new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1)),
    year,
  });
}
