import assert from 'node:assert/strict';
import { addDays, todayIn, zonedToUtc } from '../../server/services/time';

const iso = (d: Date) => d.toISOString();

describe('time', () => {
  it('zonedToUtc, for New York in winter and in summer, applies EST (UTC-5) and EDT (UTC-4)', () => {
    assert.equal(iso(zonedToUtc('2030-03-01', '10:00', 'America/New_York')), '2030-03-01T15:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-07-01', '10:00', 'America/New_York')), '2030-07-01T14:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-12-31', '23:30', 'America/New_York')), '2031-01-01T04:30:00.000Z');
    assert.equal(iso(zonedToUtc('2030-01-01', '00:00', 'America/New_York')), '2030-01-01T05:00:00.000Z');
  });

  it('zonedToUtc, on the New York days the clocks change, uses the offset in force at that wall-clock time', () => {
    // 2030-03-10: clocks go from 02:00 EST to 03:00 EDT.
    assert.equal(iso(zonedToUtc('2030-03-10', '01:30', 'America/New_York')), '2030-03-10T06:30:00.000Z');
    assert.equal(iso(zonedToUtc('2030-03-10', '10:00', 'America/New_York')), '2030-03-10T14:00:00.000Z');
    // 2030-11-03: clocks go from 02:00 EDT back to 01:00 EST.
    assert.equal(iso(zonedToUtc('2030-11-03', '00:30', 'America/New_York')), '2030-11-03T04:30:00.000Z');
    assert.equal(iso(zonedToUtc('2030-11-03', '10:00', 'America/New_York')), '2030-11-03T15:00:00.000Z');
  });

  it("zonedToUtc, in other zones (Los Angeles, London, Sydney, Honolulu), follows each one's rules", () => {
    assert.equal(iso(zonedToUtc('2030-01-15', '09:00', 'America/Los_Angeles')), '2030-01-15T17:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-03-10', '03:30', 'America/Los_Angeles')), '2030-03-10T10:30:00.000Z');
    assert.equal(iso(zonedToUtc('2030-01-15', '10:00', 'Europe/London')), '2030-01-15T10:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-07-01', '10:00', 'Europe/London')), '2030-07-01T09:00:00.000Z');
    // Southern hemisphere: summer time in January, so the UTC date is the day before.
    assert.equal(iso(zonedToUtc('2030-01-15', '10:00', 'Australia/Sydney')), '2030-01-14T23:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-07-15', '10:00', 'Australia/Sydney')), '2030-07-15T00:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-07-01', '10:00', 'Pacific/Honolulu')), '2030-07-01T20:00:00.000Z');
    assert.equal(iso(zonedToUtc('2030-07-01', '10:00', 'UTC')), '2030-07-01T10:00:00.000Z');
  });

  it('todayIn, for an instant near midnight UTC, gives the calendar date of the zone', () => {
    const at = new Date('2030-01-01T03:00:00Z');
    assert.equal(todayIn('America/New_York', at), '2029-12-31');
    assert.equal(todayIn('UTC', at), '2030-01-01');
    assert.equal(todayIn('Asia/Tokyo', new Date('2030-06-30T15:30:00Z')), '2030-07-01');
    // 23:59 EDT on the last day of the month is 03:59 UTC on the next.
    assert.equal(todayIn('America/New_York', new Date('2030-08-01T03:59:00Z')), '2030-07-31');
    assert.equal(todayIn('America/New_York', new Date('2030-08-01T04:00:00Z')), '2030-08-01');
  });

  it('todayIn, without an instant, gives today as YYYY-MM-DD', () => {
    const before = new Date();
    const today = todayIn('America/New_York');
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok([todayIn('America/New_York', before), todayIn('America/New_York', new Date())].includes(today));
  });

  it('addDays, across the ends of months and years and a leap day, gives the right calendar date', () => {
    assert.equal(addDays('2030-01-31', 1), '2030-02-01');
    assert.equal(addDays('2030-02-28', 1), '2030-03-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2028-02-29', 1), '2028-03-01');
    assert.equal(addDays('2030-12-31', 1), '2031-01-01');
    assert.equal(addDays('2031-01-01', -1), '2030-12-31');
    assert.equal(addDays('2030-03-01', -1), '2030-02-28');
    assert.equal(addDays('2030-03-09', 2), '2030-03-11');
    assert.equal(addDays('2030-12-30', 40), '2031-02-08');
    assert.equal(addDays('2030-06-15', 0), '2030-06-15');
  });
});
