/** Reading and checking an import file, row by row; nothing here writes. */
import { parse } from 'csv-parse/sync';
import { topicsForImport } from '../queries/import.queries';
import { listJurisdictions } from '../queries/reference.queries';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS, ORGANIZATION_TYPES, STATUSES, TRACKS } from '../vocabulary';
import { EARLIEST_DATE, LATEST_DATE, addDays, isDateInRange, todayIn } from './time';

/** The columns of an import file, in order (README.md, "Importing historical records"). */
export const IMPORT_COLUMNS = [
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
/** Columns a file may carry or leave out. */
const OPTIONAL_IMPORT_COLUMNS = ['assigned_date'] as const;
const CASE_COLUMNS = [...IMPORT_COLUMNS.slice(1, 12), ...OPTIONAL_IMPORT_COLUMNS];
const ENGAGEMENT_COLUMNS = IMPORT_COLUMNS.slice(12);

export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}

export interface PlannedEngagement {
  row: number;
  date: string;
  start_time: string | null;
  duration_minutes: number;
  format: string;
  status: string;
  participant_count: number;
  jurisdictions: string[];
  consultants: string[];
  topic_ids: number[];
  summary: string | null;
  key: string;
}

export interface PlannedCase {
  key: string;
  row: number;
  track: string;
  jurisdiction: string;
  title: string;
  requester_name: string;
  requester_email: string;
  organization_type: string;
  organization_name: string;
  topic_ids: number[];
  submitted: string;
  status: string | null;
  lead: string | null;
  /** When the lead was first assigned, if the file says; without it the case is left out of assignment figures. */
  assigned: string | null;
  engagements: PlannedEngagement[];
}

export interface ImportResult {
  rows: number;
  problems: ImportProblem[];
  dryRun: boolean;
  created: { cases: number; engagements: number; consultants: number };
  skipped: { cases: number; engagements: number };
  /**
   * The inactive consultant accounts the import makes (or, in a dry run, would make), each with
   * the existing account it may duplicate: the same name under another e-mail.
   */
  accounts: { email: string; name: string; sameNameAs?: string }[];
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
// The longest values the database keeps (db/migrations): a longer one is a problem of its row,
// not a failed transaction.
const MAX = { case_key: 93, requester_name: 120, organization_name: 200, email: 254 };
const isEmail = (s: string) => s.length <= MAX.email && EMAIL.test(s);
const CASE_KEY = new RegExp(`^[A-Za-z0-9._-]{1,${MAX.case_key}}$`);
const realDate = isDateInRange;
/** The values of a list column ("a; b; c"), trimmed, without empty ones. */
const split = (s: string) => s.split(';').flatMap((x) => x.trim() || []);

async function lookups() {
  const [jurisdictions, topics] = await Promise.all([listJurisdictions(), topicsForImport()]);
  const jur = new Map<string, string>();
  for (const j of jurisdictions) {
    jur.set(String(j.code).toLowerCase(), j.code);
    jur.set(String(j.name).toLowerCase(), j.code);
  }
  const top = new Map<string, number>();
  for (const t of topics) {
    top.set(String(t.slug).toLowerCase(), Number(t.id));
    top.set(String(t.name).toLowerCase(), Number(t.id));
  }
  return { jur, top };
}

/** Reads the file and checks every row; nothing is written. */
export async function planImport(
  text: string | Buffer,
  timeZone: string,
): Promise<{ cases: PlannedCase[]; problems: ImportProblem[]; rows: number }> {
  // A file is read as bytes (the CLI) or as text (an upload); the parser takes either as UTF-8.
  if (typeof text === 'string' ? text.includes('\u0000') : text.includes(0)) {
    return {
      cases: [],
      rows: 0,
      problems: [{ row: 1, column: '', message: 'The file contains NUL characters: save it as a UTF-8 text CSV file' }],
    };
  }
  const problems: ImportProblem[] = [];
  const { jur, top } = await lookups();
  const latest = addDays(todayIn(timeZone), 1);
  const cases = new Map<string, PlannedCase>();
  const firstRowOf = new Map<string, Record<string, string>>();
  const seenKeys = new Map<string, number>();

  const checkRow = (rec: Record<string, string>, row: number) => {
    const bad = (column: string, message: string) => problems.push({ row, column, message });
    const key = rec.case_key;
    if (!key) return bad('case_key', 'Enter the case key that groups the rows of one case');
    // The case is kept with the idempotency key "import:<case_key>", at most 100 characters.
    if (!CASE_KEY.test(key)) return bad('case_key', `Use letters, digits, dots, dashes or underscores (at most ${MAX.case_key})`);

    const previous = firstRowOf.get(key);
    if (previous) {
      for (const c of CASE_COLUMNS) if ((rec[c] ?? '') !== (previous[c] ?? '')) bad(c, `Differs from the first row of case ${key}`);
    } else {
      firstRowOf.set(key, Object.fromEntries(CASE_COLUMNS.map((c) => [c, rec[c]])));
      const track = rec.track || 'ta';
      if (!(track in TRACKS)) bad('track', 'Use ta, network or cohort');
      const jurisdiction = jur.get(rec.jurisdiction.toLowerCase());
      if (!jurisdiction) bad('jurisdiction', `“${rec.jurisdiction}” is not a state, DC or territory (code or name)`);
      if (!rec.title) bad('title', 'Enter a title');
      else if (rec.title.length > 120) bad('title', 'Title must be 120 characters or fewer');
      if (!rec.requester_name) bad('requester_name', 'Enter the requester’s name');
      else if (rec.requester_name.length > MAX.requester_name)
        bad('requester_name', `Name must be ${MAX.requester_name} characters or fewer`);
      if (!isEmail(rec.requester_email)) bad('requester_email', 'Enter an e-mail address like name@example.org');
      if (!(rec.organization_type in ORGANIZATION_TYPES))
        bad('organization_type', `Use one of ${Object.keys(ORGANIZATION_TYPES).join(', ')}`);
      if (!rec.organization_name) bad('organization_name', 'Enter the organization');
      else if (rec.organization_name.length > MAX.organization_name)
        bad('organization_name', `Organization must be ${MAX.organization_name} characters or fewer`);
      const topicIds = split(rec.topics).map((t) => top.get(t.toLowerCase()));
      if (!topicIds.length || topicIds.some((t) => t === undefined))
        bad('topics', 'List one or more known topics by name, separated by semicolons');
      if (!realDate(rec.submitted_date))
        bad('submitted_date', `Enter a real date from ${EARLIEST_DATE} to ${LATEST_DATE}, like 2018-03-15`);
      else if (rec.submitted_date > latest) bad('submitted_date', 'The submission date is in the future');
      if (rec.case_status && !(rec.case_status in STATUSES)) bad('case_status', `Use one of ${Object.keys(STATUSES).join(', ')}`);
      if (rec.lead_consultant_email && !isEmail(rec.lead_consultant_email)) bad('lead_consultant_email', 'Enter an e-mail address');
      const assigned = rec.assigned_date ?? '';
      if (assigned) {
        if (!realDate(assigned))
          bad('assigned_date', `Enter a real date from ${EARLIEST_DATE} to ${LATEST_DATE}, like 2018-03-20, or leave it empty`);
        else if (!rec.lead_consultant_email) bad('assigned_date', 'An assignment date needs a lead consultant');
        else if (realDate(rec.submitted_date) && assigned < rec.submitted_date)
          bad('assigned_date', 'The assignment date is before the submission date');
        else if (assigned > latest) bad('assigned_date', 'The assignment date is in the future');
      }
      cases.set(key, {
        key,
        row,
        track,
        jurisdiction: jurisdiction ?? '',
        title: rec.title,
        requester_name: rec.requester_name,
        requester_email: rec.requester_email.toLowerCase(),
        organization_type: rec.organization_type,
        organization_name: rec.organization_name,
        topic_ids: topicIds.filter((t): t is number => t !== undefined),
        submitted: rec.submitted_date,
        status: rec.case_status || null,
        lead: rec.lead_consultant_email ? rec.lead_consultant_email.toLowerCase() : null,
        assigned: rec.lead_consultant_email && assigned ? assigned : null,
        engagements: [],
      });
    }
    const kase = cases.get(key) as PlannedCase;

    if (!rec.engagement_date) {
      const extra = ENGAGEMENT_COLUMNS.filter((c) => rec[c]);
      if (extra.length) bad(extra[0], 'Engagement columns are filled but engagement_date is empty');
      return;
    }
    const count = problems.length;
    if (!realDate(rec.engagement_date))
      bad('engagement_date', `Enter a real date from ${EARLIEST_DATE} to ${LATEST_DATE}, like 2018-04-02`);
    if (rec.start_time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(rec.start_time))
      bad('start_time', 'Enter a time like 14:30, or leave it empty');
    const duration = Number(rec.duration_minutes);
    if (!/^\d+$/.test(rec.duration_minutes) || duration < 5 || duration > 600)
      bad('duration_minutes', 'Enter a whole number of minutes from 5 to 600');
    if (!(rec.format in FORMATS)) bad('format', `Use one of ${Object.keys(FORMATS).join(', ')}`);
    if (!(rec.engagement_status in ENGAGEMENT_STATUSES)) bad('engagement_status', 'Use scheduled, delivered or cancelled');
    else if (rec.engagement_status === 'delivered' && rec.engagement_date > latest)
      bad('engagement_date', 'A delivered engagement cannot be in the future');
    const participants = Number(rec.participant_count);
    if (!/^\d+$/.test(rec.participant_count) || participants < 1 || participants > 10000)
      bad('participant_count', 'Enter a whole number of participants, at least 1');
    const participantCodes = rec.participant_jurisdictions
      ? split(rec.participant_jurisdictions).map((j) => jur.get(j.toLowerCase()))
      : [kase.jurisdiction];
    if (participantCodes.some((c) => !c))
      bad('participant_jurisdictions', 'List states, DC or territories by code or name, separated by semicolons');
    const consultants = rec.consultant_emails ? split(rec.consultant_emails).map((e) => e.toLowerCase()) : kase.lead ? [kase.lead] : [];
    if (!consultants.length) bad('consultant_emails', 'Name at least one consultant by e-mail (or a lead consultant for the case)');
    else if (consultants.some((e) => !isEmail(e))) bad('consultant_emails', 'List e-mail addresses separated by semicolons');
    const engTopics = split(rec.engagement_topics).map((t) => top.get(t.toLowerCase()));
    if (engTopics.some((t) => t === undefined)) bad('engagement_topics', 'List known topics by name, separated by semicolons');
    if (rec.summary.length > 10000) bad('summary', 'Summary must be 10,000 characters or fewer');
    if (problems.length !== count) return;
    // The same engagement in the same case (date, time, format, duration) is told apart by how
    // many times it appears, so a re-import matches each to itself.
    const base = `import:${key}:${rec.engagement_date}:${rec.start_time}:${rec.format}:${duration}`;
    const n = (seenKeys.get(base) ?? 0) + 1;
    seenKeys.set(base, n);
    kase.engagements.push({
      row,
      date: rec.engagement_date,
      start_time: rec.start_time || null,
      duration_minutes: duration,
      format: rec.format,
      status: rec.engagement_status,
      participant_count: participants,
      jurisdictions: [...new Set(participantCodes as string[])],
      consultants: [...new Set(consultants)],
      topic_ids: [...new Set(engTopics as number[])],
      summary: rec.summary || null,
      key: `${base}:${n}`,
    });
  };

  // The header as the CSV parser reads it, so that quoted column names are read like any field.
  let header: string[] = [];
  let missing: string[] | undefined;
  const checkHeader = (): string[] => {
    if (missing) return missing;
    missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
    const unknown = header.filter((h) => !([...IMPORT_COLUMNS, ...OPTIONAL_IMPORT_COLUMNS] as readonly string[]).includes(h));
    if (!missing.length && unknown.length) problems.push({ row: 1, column: unknown.join(', '), message: 'Unknown columns' });
    return missing;
  };
  let rows = 0;
  try {
    // Each record is checked as it is read and then dropped (on_record returns nothing), so that
    // a file of 100,000 rows is never held as 100,000 objects beside its plan.
    parse(text, {
      columns: (names: string[]) => (header = names.map((h) => String(h).trim().toLowerCase())),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: Record<string, string>, info: { records: number; empty_lines: number }) => {
        rows += 1;
        // Rows are numbered as a spreadsheet shows them: the header is row 1, a blank line is a
        // row of its own, and a quoted value over several lines stays in one row.
        if (!checkHeader().length) checkRow(record, info.records + info.empty_lines + 1);
        return null;
      },
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return {
      cases: [],
      rows: 0,
      problems: [{ row: line ?? 1, column: '', message: `The file is not valid CSV: ${(err as Error).message}` }],
    };
  }
  if (checkHeader().length)
    return {
      cases: [],
      rows,
      problems: [
        { row: 1, column: checkHeader().join(', '), message: 'Missing columns: the first row must name every column of the layout' },
      ],
    };
  return { cases: [...cases.values()], problems, rows };
}
