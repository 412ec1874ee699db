import assert from 'node:assert/strict';
import ical from 'node-ical';
import { engagementCalendar } from '../../server/services/ical.service';

type Engagement = Parameters<typeof engagementCalendar>[0];
const META = {
  reference: 'TA-2030-0042',
  title: 'Equity lens, for our plan; phase 2',
  timeZone: 'America/New_York',
  host: 'leep.test',
  url: 'http://leep.test/cases/9',
};

function eventOf(text: string): ical.VEvent {
  const events = Object.values(ical.sync.parseICS(text)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
  assert.equal(events.length, 1, text);
  return events[0];
}

const textOf = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as { val: unknown }).val) : String(v));
const engagement = (overrides: Partial<Engagement> = {}): Engagement => ({
  id: 17,
  date: '2030-03-01',
  start_time: '10:00',
  duration_minutes: 90,
  format: 'small_group',
  status: 'scheduled',
  ...overrides,
});

describe('ical.service', () => {
  it('engagementCalendar, for 10:00 on a winter day for 90 minutes in New York, starts at 15:00Z and ends at 16:30Z', () => {
    const e = eventOf(engagementCalendar(engagement(), META));
    assert.equal(new Date(e.start).toISOString(), '2030-03-01T15:00:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2030-03-01T16:30:00.000Z');
    assert.equal(e.datetype, 'date-time');
  });

  it('engagementCalendar, for 10:00 on a July day, starts at 14:00Z (daylight saving time)', () => {
    const e = eventOf(engagementCalendar(engagement({ date: '2030-07-01', duration_minutes: 45 }), META));
    assert.equal(new Date(e.start).toISOString(), '2030-07-01T14:00:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2030-07-01T14:45:00.000Z');
  });

  it('engagementCalendar, in another program time zone, converts from that zone', () => {
    const e = eventOf(
      engagementCalendar(engagement({ date: '2030-07-01', start_time: '09:00' }), { ...META, timeZone: 'America/Los_Angeles' }),
    );
    assert.equal(new Date(e.start).toISOString(), '2030-07-01T16:00:00.000Z');
  });

  it('engagementCalendar, for an engagement late in the evening, ends on the next UTC day', () => {
    const e = eventOf(engagementCalendar(engagement({ date: '2030-12-31', start_time: '22:30', duration_minutes: 120 }), META));
    assert.equal(new Date(e.start).toISOString(), '2031-01-01T03:30:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2031-01-01T05:30:00.000Z');
  });

  it('engagementCalendar, without a start time, writes an all-day event on that date', () => {
    const text = engagementCalendar(engagement({ start_time: null, date: '2030-12-31' }), META);
    assert.match(text, /\r\nDTSTART;VALUE=DATE:20301231\r\n/);
    assert.match(text, /\r\nDTEND;VALUE=DATE:20310101\r\n/);
    const e = eventOf(text);
    assert.equal(e.datetype, 'date');
    assert.equal((e.start as Date & { dateOnly?: boolean }).dateOnly, true);
    // node-ical reads a date-only value as local midnight.
    const s = new Date(e.start);
    assert.deepEqual([s.getFullYear(), s.getMonth() + 1, s.getDate()], [2030, 12, 31]);
  });

  it('engagementCalendar, for any engagement, carries a stable UID, the format and reference in the summary, and the title', () => {
    const text = engagementCalendar(engagement(), META);
    const e = eventOf(text);
    assert.equal(e.uid, 'engagement-17@leep.test');
    assert.equal(eventOf(engagementCalendar(engagement({ date: '2030-04-02' }), META)).uid, e.uid);
    assert.equal(textOf(e.summary), 'LEEP: Small-group facilitation (TA-2030-0042)');
    assert.equal(
      textOf(e.description),
      'Equity lens, for our plan; phase 2\nSmall-group facilitation, 90 minutes.\nhttp://leep.test/cases/9',
    );
    assert.match(text, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
    assert.match(text, /\r\nEND:VCALENDAR\r?\n?$/);
    assert.ok(
      text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75),
      'a line is longer than 75 octets',
    );
  });

  it('engagementCalendar, without a URL, leaves the URL out', () => {
    const text = engagementCalendar(engagement({ format: 'one_on_one' }), { ...META, url: undefined });
    assert.doesNotMatch(text, /\r\nURL/);
    assert.equal(textOf(eventOf(text).summary), 'LEEP: One-on-one discussion (TA-2030-0042)');
  });

  it('engagementCalendar, for a cancelled engagement, marks the event cancelled', () => {
    assert.equal(eventOf(engagementCalendar(engagement({ status: 'cancelled' }), META)).status, 'CANCELLED');
    assert.equal(eventOf(engagementCalendar(engagement(), META)).status, undefined);
  });
});
