// Files and readers for the import tests: CSV files built from the layout documented in
// README.md ("Importing historical records"), a mixed file with bad rows of every kind and its
// corrected twin, a snapshot of every table an import writes, the command line run as a child
// process, and readers for the upload page.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type request from 'supertest';
import type { TestDatabase } from './db';
import { digestTables } from './reports-raw';
import { ROOT } from './built-server';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** The header row, as README.md documents it (not read from the code, so the two are checked against each other). */
export const DOCUMENTED_COLUMNS = [
  'case_key',
  'track',
  'jurisdiction',
  'title',
  'requester_name',
  'requester_email',
  'organization_type',
  'organization_name',
  'topics',
  'submitted_date',
  'case_status',
  'lead_consultant_email',
  'engagement_date',
  'start_time',
  'duration_minutes',
  'format',
  'engagement_status',
  'participant_count',
  'participant_jurisdictions',
  'consultant_emails',
  'engagement_topics',
  'summary',
] as const;
export type Column = (typeof DOCUMENTED_COLUMNS)[number];
export type Row = Partial<Record<Column, string>>;

const quote = (v: string) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A CSV file of these rows under the documented header (or other columns), as a spreadsheet saves it. */
export function toCsv(
  rows: Row[],
  options: { eol?: string; bom?: boolean; columns?: readonly string[]; quoteHeader?: boolean } = {},
): string {
  const columns = options.columns ?? DOCUMENTED_COLUMNS;
  const eol = options.eol ?? '\n';
  const header = columns.map((c) => (options.quoteHeader ? `"${c}"` : c)).join(',');
  const lines = [header, ...rows.map((r) => columns.map((c) => quote((r as Record<string, string | undefined>)[c] ?? '')).join(','))];
  return `${options.bom ? '\ufeff' : ''}${lines.join(eol)}${eol}`;
}

let sequence = 0;

/** A tag of letters and digits unique to this run, for case keys and e-mail addresses. */
export function uniqueTag(prefix = 'k'): string {
  sequence += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${sequence}`;
}

/** One case row without an engagement; override any column. */
export function caseOnly(key: string, overrides: Row = {}): Row {
  return {
    case_key: key,
    track: 'ta',
    jurisdiction: 'OH',
    title: 'Equity lens for the strategic plan',
    requester_name: 'Dana Whitfield',
    requester_email: 'dana.whitfield@example.org',
    organization_type: 'state_board',
    organization_name: 'Ohio State Board of Education',
    topics: 'Applying an equity lens to policy',
    submitted_date: '2018-03-02',
    case_status: '',
    lead_consultant_email: '',
    ...overrides,
  };
}

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
interface ExpectedCase {
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
  const a = caseOnly(A, { lead_consultant_email: lead, topics: 'Applying an equity lens to policy; Board governance and leadership' });
  const eng = (
    date: string,
    start: string,
    minutes: string,
    format: string,
    status: string,
    participants: string,
    jurisdictions: string,
    consultants: string,
    topics: string,
    summary: string,
  ): Row => ({
    engagement_date: date,
    start_time: start,
    duration_minutes: minutes,
    format,
    engagement_status: status,
    participant_count: participants,
    participant_jurisdictions: jurisdictions,
    consultant_emails: consultants,
    engagement_topics: topics,
    summary,
  });
  const both = (row: Row) => ({ bad: row, good: row });
  const pairs: { bad: Row; good: Row }[] = [
    both({
      ...a,
      ...eng(
        '2018-04-12',
        '10:00',
        '90',
        'small_group',
        'delivered',
        '9',
        'OH; KY',
        `${lead}; ${second}`,
        'Applying an equity lens to policy',
        'Framework drafted with the policy committee.',
      ),
    }),
    both({ ...a, ...eng('2018-05-20', '', '60', 'one_on_one', 'delivered', '1', '', '', '', '') }),
    {
      bad: {
        ...a,
        ...eng(
          '2018-06-01',
          '',
          '900',
          'online_training',
          'delivered',
          '12',
          'Kentucky',
          second,
          'Board governance and leadership',
          'Online module on board norms.',
        ),
      },
      good: {
        ...a,
        ...eng(
          '2018-06-01',
          '',
          '45',
          'online_training',
          'delivered',
          '12',
          'Kentucky',
          second,
          'Board governance and leadership',
          'Online module on board norms.',
        ),
      },
    },
    {
      bad: { ...a, ...eng('2018-07-01', '09:30', '60', 'small_group', 'cancelled', '0', 'Nevada', lead, '', 'Cancelled: snow day.') },
      good: { ...a, ...eng('2018-07-01', '09:30', '60', 'small_group', 'cancelled', '5', 'Nevada', lead, '', 'Cancelled: snow day.') },
    },
    {
      bad: { ...a, ...eng('2099-03-01', '13:00', '120', 'small_group', 'delivered', '20', 'MT', lead, '', 'Planned retreat.') },
      good: { ...a, ...eng('2099-03-01', '13:00', '120', 'small_group', 'scheduled', '20', 'MT', lead, '', 'Planned retreat.') },
    },
    {
      bad: {
        ...a,
        title: 'Equity lens for the strategic plan (revised)',
        ...eng('2018-09-10', '', '60', 'one_on_one', 'delivered', '2', 'OH', lead, '', 'Check-in with the chair.'),
      },
      good: { ...a, ...eng('2018-09-10', '', '60', 'one_on_one', 'delivered', '2', 'OH', lead, '', 'Check-in with the chair.') },
    },
    {
      bad: {
        ...a,
        ...eng(
          '',
          '',
          '120',
          'small_group',
          'delivered',
          '15',
          'OH; MI',
          `${lead}; ${existing}`,
          'Community engagement',
          'Listening session.',
        ),
      },
      good: {
        ...a,
        ...eng(
          '2018-10-01',
          '',
          '120',
          'small_group',
          'delivered',
          '15',
          'OH; MI',
          `${lead}; ${existing}`,
          'Community engagement',
          'Listening session.',
        ),
      },
    },
    {
      bad: { ...a, ...eng('2018-02-30', '', '30', 'one_on_one', 'delivered', '2', '', '', '', '') },
      good: { ...a, ...eng('2018-11-05', '', '30', 'one_on_one', 'delivered', '2', '', '', '', '') },
    },
    {
      bad: caseOnly(`${tag}-B`, {
        track: 'network',
        jurisdiction: 'Atlantis',
        title: 'Spring convening',
        submitted_date: '2019-02-01',
        organization_name: 'State Policy Network',
      }),
      good: caseOnly(`${tag}-B`, {
        track: 'network',
        jurisdiction: 'District of Columbia',
        title: 'Spring convening',
        submitted_date: '2019-02-01',
        organization_name: 'State Policy Network',
      }),
    },
    {
      bad: caseOnly(`${tag}-C`, {
        track: 'cohort',
        jurisdiction: 'VA',
        title: 'Cohort application',
        topics: 'Underwater basket weaving',
        submitted_date: '2020-05-05',
        case_status: 'declined',
      }),
      good: caseOnly(`${tag}-C`, {
        track: 'cohort',
        jurisdiction: 'VA',
        title: 'Cohort application',
        topics: 'Educator diversity',
        submitted_date: '2020-05-05',
        case_status: 'declined',
      }),
    },
    {
      bad: {
        ...caseOnly(`${tag}-D`, {
          jurisdiction: 'KY',
          title: 'ESSA accountability review',
          requester_email: 'grace at example.org',
          topics: 'ESSA plans and accountability',
          submitted_date: '2019-06-01',
          lead_consultant_email: existing,
        }),
        ...eng('2099-05-01', '', '60', 'online_training', 'scheduled', '20', 'KY; TN', '', '', ''),
      },
      good: {
        ...caseOnly(`${tag}-D`, {
          jurisdiction: 'KY',
          title: 'ESSA accountability review',
          requester_email: 'grace@example.org',
          topics: 'ESSA plans and accountability',
          submitted_date: '2019-06-01',
          lead_consultant_email: existing,
        }),
        ...eng('2099-05-01', '', '60', 'online_training', 'scheduled', '20', 'KY; TN', '', '', ''),
      },
    },
    {
      bad: caseOnly(`${tag}-E`, { jurisdiction: 'WI', title: 'Withdrawn request', submitted_date: '03/15/2019', case_status: 'withdrawn' }),
      good: caseOnly(`${tag}-E`, {
        jurisdiction: 'WI',
        title: 'Withdrawn request',
        submitted_date: '2019-03-15',
        case_status: 'withdrawn',
      }),
    },
    both({
      ...caseOnly(`${tag}-F`, {
        jurisdiction: 'Michigan',
        title: 'Data review',
        topics: 'Data use and equity audits',
        submitted_date: '2020-01-10',
        lead_consultant_email: existing,
      }),
      ...eng(
        '2020-02-01',
        '11:00',
        '75',
        'small_group',
        'delivered',
        '6',
        '',
        '',
        'Data use and equity audits',
        'Reviewed the data dashboard.',
      ),
    }),
  ];

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

// ---------------------------------------------------------------------------------------------
// What an import writes.

const WRITTEN_TABLES = [
  { name: 'users', orderBy: ['id'] },
  { name: 'reference_counters', orderBy: ['year'] },
  { name: 'cases', orderBy: ['id'] },
  { name: 'case_topics', orderBy: ['case_id', 'topic_id'] },
  { name: 'case_supporters', orderBy: ['case_id', 'user_id'] },
  { name: 'case_events', orderBy: ['id'] },
  { name: 'engagements', orderBy: ['id'] },
  { name: 'engagement_consultants', orderBy: ['engagement_id', 'user_id'] },
  { name: 'engagement_jurisdictions', orderBy: ['engagement_id', 'jurisdiction_code'] },
  { name: 'engagement_topics', orderBy: ['engagement_id', 'topic_id'] },
  { name: 'engagement_attendees', orderBy: ['id'] },
];

interface Snapshot {
  counts: Record<string, number>;
  digest: string;
}

/** The row count of every table an import writes, and a digest of all their rows (so that an update shows too). */
export async function snapshot(knex: Knex): Promise<Snapshot> {
  const counts: Record<string, number> = {};
  for (const t of WRITTEN_TABLES) counts[t.name] = Number((await knex(t.name).count({ n: '*' }))[0].n);
  return { counts, digest: await digestTables(knex, WRITTEN_TABLES) };
}

/** Fails unless the database is exactly as it was. */
export async function assertUnchanged(knex: Knex, before: Snapshot): Promise<void> {
  const after = await snapshot(knex);
  assert.deepStrictEqual(after.counts, before.counts, 'row counts unchanged');
  assert.equal(after.digest, before.digest, 'every row unchanged');
}

const sorted = (list: string[]) => [...list].sort();

/**
 * Checks that the expected cases are in the database as a clean import leaves them: source
 * `import`, references `TA-<submitted year>-NNNN` numbered in file order within a year, topics,
 * status, lead, and every engagement with its jurisdictions, consultants and topics.
 */
export async function assertImported(knex: Knex, expected: ExpectedCase[]): Promise<void> {
  const slugOf = new Map((await knex('topics').select('id', 'slug')).map((t: { id: unknown; slug: string }) => [Number(t.id), t.slug]));
  const emailOf = new Map((await knex('users').select('id', 'email')).map((u: { id: unknown; email: string }) => [Number(u.id), u.email]));
  const lastNumberOfYear = new Map<number, number>();
  for (const c of expected) {
    const rows = await knex('cases').where({ idempotency_key: `import:${c.key}` });
    assert.equal(rows.length, 1, `one case for ${c.key}`);
    const row = rows[0];
    const id = Number(row.id);
    const year = Number(c.submitted.slice(0, 4));
    const m = /^TA-(\d{4})-(\d{4})$/.exec(row.reference);
    assert.ok(m, `reference ${row.reference}`);
    assert.equal(Number(m[1]), year, `${c.key}: the reference carries the submission year`);
    const n = Number(m[2]);
    if (lastNumberOfYear.has(year))
      assert.equal(n, (lastNumberOfYear.get(year) as number) + 1, `${c.key}: numbered right after the file's previous case of ${year}`);
    lastNumberOfYear.set(year, n);
    assert.equal(row.source, 'import', c.key);
    assert.equal(row.track, c.track, c.key);
    assert.equal(row.jurisdiction_code, c.jurisdiction, c.key);
    assert.equal(row.title, c.title, c.key);
    assert.equal(row.status, c.status, `${c.key}: status`);
    assert.equal(new Date(row.submitted_at).toISOString().slice(0, 10), c.submitted, `${c.key}: submitted`);
    assert.equal(row.lead_consultant_id === null ? null : emailOf.get(Number(row.lead_consultant_id)), c.lead, `${c.key}: lead`);
    if (['completed', 'declined', 'withdrawn'].includes(c.status)) assert.ok(row.closed_at, `${c.key}: closed`);
    else assert.equal(row.closed_at, null, `${c.key}: open`);
    if (c.status === 'completed') assert.ok(row.closing_summary, `${c.key}: a completed case has a closing summary`);
    const topics = (await knex('case_topics').where({ case_id: id })).map(
      (t: { topic_id: unknown }) => slugOf.get(Number(t.topic_id)) as string,
    );
    assert.deepStrictEqual(sorted(topics), c.topics, `${c.key}: topics`);
    const created = await knex('case_events').where({ case_id: id, kind: 'case.created' });
    assert.equal(created.length, 1, `${c.key}: one case.created event`);

    const engagements = await knex('engagements').where({ case_id: id }).orderBy('id');
    assert.equal(engagements.length, c.engagements.length, `${c.key}: engagements`);
    for (const [i, want] of c.engagements.entries()) {
      const got = engagements[i];
      const eid = Number(got.id);
      const label = `${c.key}, engagement from row ${want.row}`;
      assert.deepStrictEqual(
        {
          date: got.date,
          start_time: got.start_time ?? null,
          status: got.status,
          format: got.format,
          minutes: Number(got.duration_minutes),
          participants: Number(got.participant_count),
          year: Number(got.year),
          month: Number(got.month),
        },
        {
          date: want.date,
          start_time: want.start_time,
          status: want.status,
          format: want.format,
          minutes: want.minutes,
          participants: want.participants,
          year: Number(want.date.slice(0, 4)),
          month: Number(want.date.slice(5, 7)),
        },
        label,
      );
      const ej = await knex('engagement_jurisdictions').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(ej.map((r: { jurisdiction_code: string }) => r.jurisdiction_code)),
        want.jurisdictions,
        `${label}: jurisdictions`,
      );
      for (const r of ej)
        assert.deepStrictEqual(
          { status: r.status, date: r.date },
          { status: want.status, date: want.date },
          `${label}: jurisdiction rows carry the status and date`,
        );
      const ec = await knex('engagement_consultants').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(ec.map((r: { user_id: unknown }) => emailOf.get(Number(r.user_id)) as string)),
        want.consultants,
        `${label}: consultants`,
      );
      const et = await knex('engagement_topics').where({ engagement_id: eid });
      assert.deepStrictEqual(
        sorted(et.map((r: { topic_id: unknown }) => slugOf.get(Number(r.topic_id)) as string)),
        want.topics,
        `${label}: topics`,
      );
    }
  }
}

/** Fails unless each address has an account that is an inactive consultant with no password. */
export async function assertInactiveConsultants(knex: Knex, emails: string[]): Promise<void> {
  for (const email of emails) {
    const user = await knex('users').where({ email }).first();
    assert.ok(user, `${email} has an account`);
    assert.equal(user.role, 'consultant', email);
    assert.ok(user.active === false || user.active === 0, `${email} is inactive`);
    assert.equal(user.password_hash, null, `${email} has no password`);
  }
}

// ---------------------------------------------------------------------------------------------
// The command line.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The DATABASE_URL a child process needs to open this test's database (its own schema on PostgreSQL). */
export function databaseUrlOf(db: TestDatabase): string {
  if (db.engine === 'sqlite') return db.url;
  const url = new URL(db.url);
  url.searchParams.set('options', `-csearch_path=${db.searchPath}`);
  return url.toString();
}

/** Runs `server/cli.ts` from the sources, as `npm run cli` runs the built one, with these environment variables. */
export function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['server/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A directory of its own under the system's temporary directory. */
export function tempDir(prefix = 'leep-import-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The problems the command line printed (`  row 4, duration_minutes: …`). */
export function problemsPrinted(stderr: string): { row: number; column: string; message: string }[] {
  return [...stderr.matchAll(/^ {2}row (\d+)(?:, ([^:]+))?: (.*)$/gm)].map((m) => ({
    row: Number(m[1]),
    column: m[2] ?? '',
    message: m[3],
  }));
}

// ---------------------------------------------------------------------------------------------
// The upload page.

const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`' })[e] as string,
  );

/** The rows of the upload page's problem table. */
export function problemsShown(html: string): { row: number; column: string; message: string }[] {
  return [...html.matchAll(/<tr><th scope="row">(\d+)<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
    row: Number(m[1]),
    column: decode(m[2]),
    message: decode(m[3]),
  }));
}

/** The summary line of a clean check or import, as the page shows it. */
export function summaryShown(html: string): string | undefined {
  const m = /<p class="usa-alert__text">([\s\S]*?)<\/p>/.exec(html);
  return m ? decode(m[1]).replace(/\s+/g, ' ').trim() : undefined;
}

type Agent = ReturnType<typeof request.agent>;

/** Posts a file to /admin/import as the form does (multipart, with the CSRF token unless it is left out). */
export function upload(
  agent: Agent,
  file: string | Buffer,
  options: { action?: 'check' | 'import'; token?: string; name?: string } = {},
): request.Test {
  let req = agent.post('/admin/import');
  if (options.token !== undefined) req = req.field('_csrf', options.token);
  if (options.action) req = req.field('action', options.action);
  return req.attach('file', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), {
    filename: options.name ?? 'records.csv',
    contentType: 'text/csv',
  });
}
