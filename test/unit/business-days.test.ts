import assert from 'node:assert/strict';
import { businessDaysBefore, businessDaysBetween, federalHolidays, isBusinessDay } from '../../server/services/time';

// The oracle shares nothing with server/services/time.ts: the U.S. federal holidays on the dates
// OPM published them as observed, typed out year by year, and local dates read with Intl alone.
const OBSERVED: Record<number, string[]> = {
  2017: ['01-02', '01-16', '02-20', '05-29', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  2018: ['01-01', '01-15', '02-19', '05-28', '07-04', '09-03', '10-08', '11-12', '11-22', '12-25'],
  2019: ['01-01', '01-21', '02-18', '05-27', '07-04', '09-02', '10-14', '11-11', '11-28', '12-25'],
  2020: ['01-01', '01-20', '02-17', '05-25', '07-03', '09-07', '10-12', '11-11', '11-26', '12-25'],
  2021: ['01-01', '01-18', '02-15', '05-31', '06-18', '07-05', '09-06', '10-11', '11-11', '11-25', '12-24', '12-31'],
  2022: ['01-17', '02-21', '05-30', '06-20', '07-04', '09-05', '10-10', '11-11', '11-24', '12-26'],
  2023: ['01-02', '01-16', '02-20', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  2024: ['01-01', '01-15', '02-19', '05-27', '06-19', '07-04', '09-02', '10-14', '11-11', '11-28', '12-25'],
  2025: ['01-01', '01-20', '02-17', '05-26', '06-19', '07-04', '09-01', '10-13', '11-11', '11-27', '12-25'],
  2026: ['01-01', '01-19', '02-16', '05-25', '06-19', '07-03', '09-07', '10-12', '11-11', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '05-31', '06-18', '07-05', '09-06', '10-11', '11-11', '11-25', '12-24', '12-31'],
  2028: ['01-17', '02-21', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  2029: ['01-01', '01-15', '02-19', '05-28', '06-19', '07-04', '09-03', '10-08', '11-12', '11-22', '12-25'],
  2030: ['01-01', '01-21', '02-18', '05-27', '06-19', '07-04', '09-02', '10-14', '11-11', '11-28', '12-25'],
};
const HOLIDAYS = new Set(Object.entries(OBSERVED).flatMap(([y, days]) => days.map((d) => `${y}-${d}`)));

const DAY_MS = 86_400_000;
const localDate = (ms: number, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const oracleBusiness = (date: string) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()) && !HOLIDAYS.has(date);
function oracleBetween(from: number, to: number, zone: string): number {
  let n = 0;
  const end = localDate(to, zone);
  for (let d = nextDate(localDate(from, zone)); d <= end; d = nextDate(d)) if (oracleBusiness(d)) n += 1;
  return n;
}
/** A local wall-clock time as an instant, found by trying every quarter-hour offset (no zone maths). */
function instantOf(date: string, time: string, zone: string): number {
  const wall = `${date} ${time}`;
  const fmt = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (let q = -56; q <= 56; q += 1) {
    const t = Date.parse(`${date}T${time}:00Z`) - q * 15 * 60_000;
    if (fmt.format(t) === wall) return t;
  }
  throw new Error(`no instant for ${wall} in ${zone}`);
}

const ZONES = ['America/New_York', 'Asia/Kolkata', 'Europe/Berlin'];

describe('business days', () => {
  it('isBusinessDay, for every date of 2017-2030, is false exactly on weekends and the observed federal holidays', () => {
    let checked = 0;
    for (let d = '2017-01-01'; d <= '2030-12-31'; d = nextDate(d)) {
      assert.equal(isBusinessDay(d), oracleBusiness(d), d);
      checked += 1;
    }
    assert.equal(checked, 5113);
  });

  it('federalHolidays, for each year 2017-2030, lists the observed dates OPM published for that year', () => {
    for (const [year, days] of Object.entries(OBSERVED)) {
      const app = [...federalHolidays(Number(year))].filter((d) => d.startsWith(year)).sort();
      assert.deepEqual(
        app,
        days.map((d) => `${year}-${d}`),
        year,
      );
    }
  });

  it('businessDaysBetween, Friday 8 pm and Friday 10 am Eastern to Monday 9 am, is 1 both times', () => {
    const z = 'America/New_York';
    const monday = new Date(instantOf('2026-11-23', '09:00', z));
    assert.equal(businessDaysBetween(new Date(instantOf('2026-11-20', '20:00', z)), monday, z), 1);
    assert.equal(businessDaysBetween(new Date(instantOf('2026-11-20', '10:00', z)), monday, z), 1);
  });

  it('businessDaysBetween, across Thanksgiving and Christmas, leaves the holidays out', () => {
    const z = 'America/New_York';
    // Wednesday before Thanksgiving 2026 to the Monday after: Friday and Monday count.
    assert.equal(businessDaysBetween(new Date(instantOf('2026-11-25', '12:00', z)), new Date(instantOf('2026-11-30', '12:00', z)), z), 2);
    // Christmas Eve 2027 is the observed Christmas (Dec 25 is a Saturday), Dec 31 the observed New Year's Day:
    // of Dec 24 to Jan 3 only Dec 27-30 and Jan 3 count.
    assert.equal(businessDaysBetween(new Date(instantOf('2027-12-23', '12:00', z)), new Date(instantOf('2028-01-03', '12:00', z)), z), 5);
  });

  it('businessDaysBetween, late in the evening Eastern (already the next day in UTC), counts from the Eastern date', () => {
    const z = 'America/New_York';
    // Thursday 2026-11-19 at 11 pm Eastern is Friday in UTC: Friday must still count.
    assert.equal(businessDaysBetween(new Date(instantOf('2026-11-19', '23:00', z)), new Date(instantOf('2026-11-20', '08:00', z)), z), 1);
  });

  it('businessDaysBetween, around every New York and Berlin clock change 2017-2030, equals the oracle', () => {
    let checked = 0;
    for (const zone of ['America/New_York', 'Europe/Berlin']) {
      const offsetOf = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' });
      const off = (x: number) => offsetOf.formatToParts(x).find((p) => p.type === 'timeZoneName')?.value;
      for (let day = Date.parse('2017-01-01T00:00:00Z'); day < Date.parse('2031-01-01T00:00:00Z'); day += DAY_MS) {
        // A clock change in this day: find its hour.
        if (off(day) === off(day + DAY_MS)) continue;
        let t = day;
        while (off(t) === off(day)) t += 3_600_000;
        for (const before of [-3 * DAY_MS, -DAY_MS - 30 * 60_000, -90 * 60_000, -1]) {
          for (const after of [1, 90 * 60_000, DAY_MS + 30 * 60_000, 4 * DAY_MS]) {
            assert.equal(
              businessDaysBetween(new Date(t + before), new Date(t + after), zone),
              oracleBetween(t + before, t + after, zone),
              `${zone} ${new Date(t).toISOString()}`,
            );
            checked += 1;
          }
        }
      }
    }
    assert.ok(checked >= 2 * 28 * 16, `only ${checked} checked`);
  });

  it('businessDaysBetween, for 3,000 random spans of 2017-2030 in three zones, equals the oracle and is never negative', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const start = Date.parse('2017-01-01T00:00:00Z');
    const span = Date.parse('2030-12-01T00:00:00Z') - start;
    for (let i = 0; i < 3000; i += 1) {
      const zone = ZONES[i % ZONES.length];
      const from = start + Math.floor(rnd() * span);
      const to = from + Math.floor((rnd() - 0.1) * 40 * DAY_MS);
      const app = businessDaysBetween(new Date(from), new Date(to), zone);
      assert.equal(app, oracleBetween(from, to, zone), `${zone} ${new Date(from).toISOString()} → ${new Date(to).toISOString()}`);
      assert.ok(app >= 0);
    }
  });

  it('businessDaysBefore, for 1 to 12 days back from 400 instants, splits requests exactly at the age asked for', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 400; i += 1) {
      const zone = ZONES[i % ZONES.length];
      const now = Date.parse('2017-02-01T00:00:00Z') + Math.floor(rnd() * 13.8 * 365 * DAY_MS);
      const n = 1 + (i % 12);
      const cut = businessDaysBefore(new Date(now), n, zone).getTime();
      assert.ok(oracleBetween(cut - 1, now, zone) >= n, `${zone} ${new Date(now).toISOString()} n=${n}: just before the cut`);
      assert.ok(oracleBetween(cut, now, zone) < n, `${zone} ${new Date(now).toISOString()} n=${n}: at the cut`);
    }
  });
});
