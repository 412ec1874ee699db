/**
 * The one way people read dates and times, in pages, timelines and mail subjects:
 * "Dec 3, 2026" for a day and "Dec 3, 2026, 2:00 PM ET" for a moment, in the program's time zone.
 * Formatters are made once per zone: building an Intl formatter costs far more than using one.
 */
interface HumanTime {
  /** A timestamp's day in the zone, e.g. "Dec 3, 2026". */
  date(v: unknown): string;
  /** A timestamp in the zone, e.g. "Dec 3, 2026, 2:00 PM ET". */
  dateTime(v: unknown): string;
  /** A calendar date stored as YYYY-MM-DD, shown without any time-zone shift. */
  calendarDate(v: unknown): string;
  /** A calendar date and a local HH:MM time as stored for meetings, e.g. "Dec 3, 2026, 2:00 PM ET" (the day alone without a time). */
  dateAndTime(date: unknown, time: unknown): string;
  /** The zone as people write it after a time: "ET" for America/New_York. */
  zone: string;
}

const made = new Map<string, HumanTime>();
const DAY = { year: 'numeric', month: 'short', day: 'numeric' } as const;

const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** "2:00 PM" from "14:00". */
export function clockTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The formatters for a time zone. */
export function humanTime(timeZone: string): HumanTime {
  const known = made.get(timeZone);
  if (known) return known;
  const dayFmt = new Intl.DateTimeFormat('en-US', { ...DAY, timeZone });
  const calendarFmt = new Intl.DateTimeFormat('en-US', { ...DAY, timeZone: 'UTC' });
  const timeFmt = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit', hour12: true });
  const generic =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortGeneric' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  const zone = /^GMT[+-]?0?$/.test(generic) ? 'UTC' : generic;
  const calendarDate = (v: unknown) => {
    if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return '';
    const [y, m, d] = String(v).split('-').map(Number);
    return calendarFmt.format(Date.UTC(y, m - 1, d));
  };
  const out: HumanTime = {
    date: (v) => (v ? dayFmt.format(toDate(v)) : ''),
    dateTime: (v) => (v ? `${dayFmt.format(toDate(v))}, ${timeFmt.format(toDate(v))} ${zone}` : ''),
    calendarDate,
    dateAndTime: (date, time) => {
      const day = calendarDate(date);
      return day && typeof time === 'string' && /^\d{2}:\d{2}/.test(time) ? `${day}, ${clockTime(time.slice(0, 5))} ${zone}` : day;
    },
    zone,
  };
  made.set(timeZone, out);
  return out;
}
