/** Calendar dates and wall-clock times in the program's time zone, without a date library. */

import { DEFAULT_TIME_ZONE } from '../config';
import { appConfig } from '../context';
import { addDays, parts, todayIn, zonedToUtc } from '../dates';

export { addDays, todayIn, zonedToUtc };

/** The earliest and latest dates the app accepts anywhere (forms, API, reports, imports). */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2100-12-31';

/** A real calendar date written YYYY-MM-DD, from EARLIEST_DATE to LATEST_DATE. */
export function isDateInRange(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || s < EARLIEST_DATE || s > LATEST_DATE) return false;
  // 2020-13-01 or 2021-02-30: no such day (an invalid Date, or one that rolls over to another day).
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
}

/**
 * The program's time zone (TIME_ZONE of the app the current work belongs to): where its days,
 * business days and local times are counted.
 */
export const programTimeZone = (): string => appConfig()?.timeZone ?? DEFAULT_TIME_ZONE;

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export const dateIn = (at: Date, timeZone: string): string => todayIn(timeZone, at);

const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** The n-th (1-based; -1 for the last) given weekday (0 = Sunday) of a month. */
function nthWeekday(y: number, m: number, wd: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    return ymd(y, m, 1 + ((wd - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDay = new Date(Date.UTC(y, m, 0));
  return ymd(y, m, lastDay.getUTCDate() - ((lastDay.getUTCDay() - wd + 7) % 7));
}

/** A fixed-date holiday on a Saturday is observed the Friday before, on a Sunday the Monday after (5 U.S.C. 6103, OPM). */
function observed(date: string): string {
  const wd = weekday(date);
  return wd === 6 ? addDays(date, -1) : wd === 0 ? addDays(date, 1) : date;
}

const holidayCache = new Map<number, Set<string>>();

/**
 * The U.S. federal holidays of a year on the dates they are observed (5 U.S.C. 6103; Juneteenth
 * from 2021). Inauguration Day is left out: it is a holiday only around Washington, D.C.
 */
export function federalHolidays(year: number): Set<string> {
  let set = holidayCache.get(year);
  if (set) return set;
  set = new Set([
    observed(ymd(year, 1, 1)), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    ...(year >= 2021 ? [observed(ymd(year, 6, 19))] : []), // Juneteenth National Independence Day
    observed(ymd(year, 7, 4)), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    observed(ymd(year, 11, 11)), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    observed(ymd(year, 12, 25)), // Christmas Day
  ]);
  // New Year's Day of the next year observed on this year's December 31 belongs to this year's days off.
  if (weekday(ymd(year + 1, 1, 1)) === 6) set.add(ymd(year, 12, 31));
  holidayCache.set(year, set);
  return set;
}

/** Whether a calendar date is a business day: Monday to Friday and not a federal holiday. */
export function isBusinessDay(date: string): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !federalHolidays(Number(date.slice(0, 4))).has(date);
}

/**
 * Business days from one instant to another, counted in the program's time zone: the business
 * days after the local date of `from`, up to and including the local date of `to` (a request
 * received on a Friday, at any hour, is one business day old on Monday). Never below zero.
 */
export function businessDaysBetween(from: Date, to: Date, timeZone: string): number {
  const end = dateIn(to, timeZone);
  let n = 0;
  for (let d = addDays(dateIn(from, timeZone), 1); d <= end; d = addDays(d, 1)) if (isBusinessDay(d)) n += 1;
  return n;
}

/**
 * The instant before which a request is at least `days` business days old at `now`: midnight
 * (local) after the latest date from which `days` business days have passed by now's local date.
 */
export function businessDaysBefore(now: Date, days: number, timeZone: string): Date {
  let date = dateIn(now, timeZone);
  let left = days;
  // Walk back from today: each business day passed lowers what is left to find.
  while (left > 0) {
    if (isBusinessDay(date)) left -= 1;
    date = addDays(date, -1);
  }
  return zonedToUtc(addDays(date, 1), '00:00', timeZone);
}

/** An instant as the program's people read it in a spreadsheet: `YYYY-MM-DD HH:MM`, local time. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}
