// The import tests' mixed file with bad rows of every kind and its corrected twin, what it
// imports, and the problems it lists.

import assert from 'node:assert/strict';
import type { Row } from './importing-csv';
import { mixedRows } from './importing-mixed-rows';

/** What a correctly imported engagement looks like in the database. */
interface ExpectedEngagement {
  row: number;
  date: string;
  start_time: string | null;
  status: 'delivered' | 'scheduled' | 'cancelled';
  format: string;
  minutes: number;
  participants: number;
  /** USPS codes, sorted. */
  jurisdictions: string[];
  /** E-mail addresses, sorted. */
  consultants: string[];
  /** Topic slugs, sorted. */
  topics: string[];
}

/** What a correctly imported case looks like in the database. */
export interface ExpectedCase {
  key: string;
  track: string;
  jurisdiction: string;
  title: string;
  status: string;
  submitted: string;
  lead: string | null;
  topics: string[];
  engagements: ExpectedEngagement[];
}

interface ExpectedProblem {
  row: number;
  column: string;
  message: RegExp;
}

interface MixedFile {
  /** The file with one problem on each of ten rows. */
  bad: Row[];
  /** The same file, each bad row corrected. */
  good: Row[];
  /** The problems of the bad file, in row order (the header is row 1). */
  problems: ExpectedProblem[];
  /** What the corrected file imports. */
  cases: ExpectedCase[];
  /** Consultants named in the file who have no account yet. */
  newConsultants: string[];
}

/**
 * A history of six cases and ten engagements, and the same file with ten bad rows: a duration of
 * 900, a participant count of 0, a delivered engagement in the future, case columns that differ
 * from the case's first row, engagement columns without a date, an impossible date, an unknown
 * state, an unknown topic, a bad e-mail address and a submission date in another format.
 * `existing` is the e-mail of a consultant who already has an account.
 */
export function mixedFile(tag: string, existing: string): MixedFile {
  const lead = `lead.${tag}@leep.example`;
  const second = `second.${tag}@leep.example`;
  const A = `${tag}-A`;
  const pairs = mixedRows(tag, existing, lead, second);

  const e = (
    row: number,
    date: string,
    start: string | null,
    status: ExpectedEngagement['status'],
    format: string,
    minutes: number,
    participants: number,
    jurisdictions: string[],
    consultants: string[],
    topics: string[],
  ): ExpectedEngagement => ({
    row,
    date,
    start_time: start,
    status,
    format,
    minutes,
    participants,
    jurisdictions: [...jurisdictions].sort(),
    consultants: [...consultants].sort(),
    topics: [...topics].sort(),
  });
  const cases: ExpectedCase[] = [
    {
      key: A,
      track: 'ta',
      jurisdiction: 'OH',
      title: 'Equity lens for the strategic plan',
      submitted: '2018-03-02',
      lead,
      topics: ['board-governance', 'equity-lens'],
      // Delivered engagements and one still scheduled: the work is under way, not finished.
      status: 'in_progress',
      engagements: [
        e(2, '2018-04-12', '10:00', 'delivered', 'small_group', 90, 9, ['OH', 'KY'], [lead, second], ['equity-lens']),
        e(3, '2018-05-20', null, 'delivered', 'one_on_one', 60, 1, ['OH'], [lead], []),
        e(4, '2018-06-01', null, 'delivered', 'online_training', 45, 12, ['KY'], [second], ['board-governance']),
        e(5, '2018-07-01', '09:30', 'cancelled', 'small_group', 60, 5, ['NV'], [lead], []),
        e(6, '2099-03-01', '13:00', 'scheduled', 'small_group', 120, 20, ['MT'], [lead], []),
        e(7, '2018-09-10', null, 'delivered', 'one_on_one', 60, 2, ['OH'], [lead], []),
        e(8, '2018-10-01', null, 'delivered', 'small_group', 120, 15, ['OH', 'MI'], [lead, existing], ['community-engagement']),
        e(9, '2018-11-05', null, 'delivered', 'one_on_one', 30, 2, ['OH'], [lead], []),
      ],
    },
    {
      key: `${tag}-B`,
      track: 'network',
      jurisdiction: 'DC',
      title: 'Spring convening',
      submitted: '2019-02-01',
      lead: null,
      topics: ['equity-lens'],
      status: 'new',
      engagements: [],
    },
    {
      key: `${tag}-C`,
      track: 'cohort',
      jurisdiction: 'VA',
      title: 'Cohort application',
      submitted: '2020-05-05',
      lead: null,
      topics: ['educator-diversity'],
      status: 'declined',
      engagements: [],
    },
    {
      key: `${tag}-D`,
      track: 'ta',
      jurisdiction: 'KY',
      title: 'ESSA accountability review',
      submitted: '2019-06-01',
      lead: existing,
      topics: ['essa-accountability'],
      status: 'assigned',
      engagements: [e(12, '2099-05-01', null, 'scheduled', 'online_training', 60, 20, ['KY', 'TN'], [existing], [])],
    },
    {
      key: `${tag}-E`,
      track: 'ta',
      jurisdiction: 'WI',
      title: 'Withdrawn request',
      submitted: '2019-03-15',
      lead: null,
      topics: ['equity-lens'],
      status: 'withdrawn',
      engagements: [],
    },
    {
      key: `${tag}-F`,
      track: 'ta',
      jurisdiction: 'MI',
      title: 'Data review',
      submitted: '2020-01-10',
      lead: existing,
      topics: ['data-equity-audits'],
      status: 'completed',
      engagements: [e(14, '2020-02-01', '11:00', 'delivered', 'small_group', 75, 6, ['MI'], [existing], ['data-equity-audits'])],
    },
  ];
  const problems: ExpectedProblem[] = [
    { row: 4, column: 'duration_minutes', message: /whole number of minutes from 5 to 600/ },
    { row: 5, column: 'participant_count', message: /at least 1/ },
    { row: 6, column: 'engagement_date', message: /delivered engagement cannot be in the future/ },
    { row: 7, column: 'title', message: new RegExp(`Differs from the first row of case ${A}`) },
    { row: 8, column: 'duration_minutes', message: /engagement_date is empty/ },
    { row: 9, column: 'engagement_date', message: /real date/ },
    { row: 10, column: 'jurisdiction', message: /Atlantis.*is not a state/ },
    { row: 11, column: 'topics', message: /known topics/ },
    { row: 12, column: 'requester_email', message: /e-mail address/ },
    { row: 13, column: 'submitted_date', message: /real date/ },
  ];
  return { bad: pairs.map((p) => p.bad), good: pairs.map((p) => p.good), problems, cases, newConsultants: [lead, second] };
}

/** Totals over the expected cases: what a clean import of them adds. */
export function totalsOf(cases: ExpectedCase[]) {
  const engagements = cases.flatMap((c) => c.engagements);
  return { cases: cases.length, engagements: engagements.length, rows: cases.reduce((n, c) => n + Math.max(1, c.engagements.length), 0) };
}

/** The problems a result lists, in the order listed, checked against what was expected (exactly these rows and columns). */
export function assertProblems(actual: { row: number; column: string; message: string }[], expected: ExpectedProblem[]): void {
  assert.deepStrictEqual(
    actual.map((p) => ({ row: p.row, column: p.column })),
    expected.map((p) => ({ row: p.row, column: p.column })),
    `problems listed: ${JSON.stringify(actual, null, 1)}`,
  );
  actual.forEach((p, i) => assert.match(p.message, expected[i].message, `row ${p.row}, ${p.column}`));
}
