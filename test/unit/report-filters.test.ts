import assert from 'node:assert/strict';
import { PROGRAM_START, filterParams, parseReportFilters } from '../../server/services/report.service';

const TZ = 'America/New_York';
// 03:00 UTC on New Year's Day is still New Year's Eve in New York.
const NOW = new Date('2026-01-01T03:00:00.000Z');
// Every parse carries the program's time zone (the period's days run from midnight there);
// the assertions below compare the rest.
const parse = (query: Record<string, unknown>) => {
  const parsed = parseReportFilters(query, TZ, NOW);
  const { timeZone, ...filters } = parsed.filters;
  assert.equal(timeZone, TZ);
  return { ...parsed, filters };
};

describe('report filters: parseReportFilters', () => {
  it('parseReportFilters, with no query, gives 2017-01-01 to today in the program’s time zone and no problems', () => {
    assert.deepStrictEqual(parse({}), { filters: { from: PROGRAM_START, to: '2025-12-31' }, problems: [], refused: [] });
    assert.equal(PROGRAM_START, '2017-01-01');
  });

  it('parseReportFilters, with every filter valid, keeps them all (the consultant as a number, the jurisdiction upper-cased)', () => {
    const { filters, problems } = parse({
      from: '2019-07-01',
      to: '2021-03-15',
      track: 'network',
      format: 'small_group',
      topic: 'equity-lens',
      consultant: '42',
      jurisdiction: 'oh',
    });
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(filters, {
      from: '2019-07-01',
      to: '2021-03-15',
      track: 'network',
      format: 'small_group',
      topic: 'equity-lens',
      consultant: 42,
      jurisdiction: 'OH',
    });
  });

  for (const bad of ['2020-02-30', '2019-02-29', '2021-13-01', '2021-00-10', '2020-2-3', '20200203', 'yesterday', '2020-02-03T00:00']) {
    it(`parseReportFilters, with from=${bad}, which is not a date, starts the period on 2017-01-01 and names the problem`, () => {
      const { filters, problems } = parse({ from: bad, to: '2024-05-05' });
      assert.deepStrictEqual(filters, { from: PROGRAM_START, to: '2024-05-05' });
      assert.deepStrictEqual(problems, [`“${bad}” is not a date; the period starts on ${PROGRAM_START}.`]);
    });
  }

  it('parseReportFilters, with to=2023-04-31, which is not a date, ends the period today and names the problem', () => {
    const { filters, problems } = parse({ from: '2020-01-01', to: '2023-04-31' });
    assert.deepStrictEqual(filters, { from: '2020-01-01', to: '2025-12-31' });
    assert.deepStrictEqual(problems, ['“2023-04-31” is not a date; the period ends today.']);
  });

  it('parseReportFilters, with a leap day in a leap year, accepts it', () => {
    assert.deepStrictEqual(parse({ from: '2020-02-29', to: '2024-02-29' }), {
      filters: { from: '2020-02-29', to: '2024-02-29' },
      problems: [],
      refused: [],
    });
  });

  it('parseReportFilters, with the end before the start, swaps them and says so', () => {
    const { filters, problems } = parse({ from: '2021-03-15', to: '2019-07-01' });
    assert.deepStrictEqual(filters, { from: '2019-07-01', to: '2021-03-15' });
    assert.deepStrictEqual(problems, ['The end of the period was before its start; the two were swapped.']);
  });

  it('parseReportFilters, with unknown track, format, topic, consultant and jurisdiction, leaves each out and names each', () => {
    const { filters, problems } = parse({
      track: 'bogus',
      format: 'telepathy',
      topic: 'Not a slug!',
      consultant: '12a',
      jurisdiction: 'Ohio',
    });
    assert.deepStrictEqual(filters, { from: PROGRAM_START, to: '2025-12-31' });
    assert.deepStrictEqual(problems, [
      'Unknown program “bogus”.',
      'Unknown format “telepathy”.',
      'Unknown topic “Not a slug!”.',
      'Unknown consultant “12a”.',
      'Unknown jurisdiction “OHIO”.',
    ]);
  });

  it('parseReportFilters, with a value given twice, reads the first', () => {
    assert.deepStrictEqual(parse({ track: ['cohort', 'ta'], from: ['2018-01-01', '2019-01-01'] }).filters, {
      from: '2018-01-01',
      to: '2025-12-31',
      track: 'cohort',
    });
  });

  it('parseReportFilters, with empty and blank values, treats them as not given', () => {
    assert.deepStrictEqual(parse({ from: '', to: '  ', track: '', consultant: ' ', jurisdiction: '' }), {
      filters: { from: PROGRAM_START, to: '2025-12-31' },
      problems: [],
      refused: [],
    });
  });

  it('parseReportFilters, with a value that is not text (a nested object), ignores it', () => {
    assert.deepStrictEqual(parse({ track: { $ne: 'x' }, consultant: ['1', '2'] }).filters, {
      from: PROGRAM_START,
      to: '2025-12-31',
      consultant: 1,
    });
  });
});

describe('report filters: filterParams', () => {
  it('filterParams, for filters, writes them in a fixed order and leaves out those not set', () => {
    assert.equal(
      filterParams({ from: '2019-07-01', to: '2021-03-15', consultant: 7, track: 'ta' }),
      'from=2019-07-01&to=2021-03-15&track=ta&consultant=7',
    );
  });

  it('filterParams, with changes, overrides and removes filters', () => {
    const f = { from: '2019-07-01', to: '2021-03-15', track: 'ta', jurisdiction: 'OH' };
    assert.equal(
      filterParams(f, { track: 'cohort', jurisdiction: undefined, from: '2020-01-01' }),
      'from=2020-01-01&to=2021-03-15&track=cohort',
    );
    assert.equal(filterParams(f, { jurisdiction: '' }), 'from=2019-07-01&to=2021-03-15&track=ta');
  });

  it('filterParams, for a topic with characters that need it, encodes them', () => {
    assert.equal(filterParams({ from: '2019-01-01', to: '2019-12-31', topic: 'a&b=c' }), 'from=2019-01-01&to=2019-12-31&topic=a%26b%3Dc');
  });

  it('filterParams, read back by parseReportFilters, gives the same filters', () => {
    const f = {
      from: '2018-02-01',
      to: '2022-11-30',
      track: 'network',
      format: 'online_training',
      topic: 'school-climate',
      consultant: 3,
      jurisdiction: 'PR',
    };
    const back = parse(Object.fromEntries(new URLSearchParams(filterParams(f))));
    assert.deepStrictEqual(back, { filters: f, problems: [], refused: [] });
  });
});
