import { deliveredMinutes, openCasesOf, scheduledEngagements } from '../queries/mywork.queries';
import { FORMATS, STATUSES } from '../vocabulary';
import { todayIn } from './time';

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/** A staff member's day: what is coming, what still needs recording, their open cases and their hours this month and year. */
export async function myWorkOf(userId: number, timeZone: string) {
  const today = todayIn(timeZone);
  const [year, month] = today.split('-').map(Number);
  const [upcoming, overdue, cases, minutes] = await Promise.all([
    scheduledEngagements(userId, today, 'upcoming'),
    scheduledEngagements(userId, today, 'overdue'),
    openCasesOf(userId),
    deliveredMinutes(userId, year, month),
  ]);
  const label = <T extends { format: string }>(e: T) => ({ ...e, formatLabel: FORMATS[e.format as keyof typeof FORMATS] });
  return {
    upcoming: upcoming.map(label),
    overdue: overdue.map(label),
    cases: cases.map((c) => ({
      ...c,
      statusLabel: STATUSES[c.status as keyof typeof STATUSES],
      isLead: Number(c.lead_consultant_id) === userId,
    })),
    hoursMonth: hours(minutes.month),
    hoursYear: hours(minutes.year),
    monthName: new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1)),
    year,
  };
}
