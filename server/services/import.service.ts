import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { db, nowIso } from '../db';
import { insertCase, insertCaseEvent, insertCaseTopics, nextReferenceNumber } from '../queries/case.queries';
import { insertEngagement, replaceChildren } from '../queries/engagement.queries';
import { FORMATS, ORGANIZATION_TYPES, STATUSES, TRACKS } from '../vocabulary';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { hashToken, randomToken } from './tokens';
import { addDays, todayIn } from './time';

/** The columns of an import file, in order (README.md, "Importing historical records"). */
export const IMPORT_COLUMNS = [
  'case_key', 'track', 'jurisdiction', 'title', 'requester_name', 'requester_email', 'organization_type', 'organization_name', 'topics',
  'submitted_date', 'case_status', 'lead_consultant_email', 'engagement_date', 'start_time', 'duration_minutes', 'format',
  'engagement_status', 'participant_count', 'participant_jurisdictions', 'consultant_emails', 'engagement_topics', 'summary',
] as const;
const CASE_COLUMNS = IMPORT_COLUMNS.slice(1, 12);
const ENGAGEMENT_COLUMNS = IMPORT_COLUMNS.slice(12);

export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}

interface PlannedEngagement {
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

interface PlannedCase {
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
  engagements: PlannedEngagement[];
}

export interface ImportResult {
  rows: number;
  problems: ImportProblem[];
  dryRun: boolean;
  created: { cases: number; engagements: number; consultants: number };
  skipped: { cases: number; engagements: number };
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const realDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const split = (s: string) => s.split(';').map((x) => x.trim()).filter(Boolean);

async function lookups() {
  const [jurisdictions, topics, users] = await Promise.all([db('jurisdictions').select('code', 'name'), db('topics').select('id', 'slug', 'name'), db('users').select('id', 'email')]);
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
  return { jur, top, users: new Map(users.map((u) => [String(u.email).toLowerCase(), Number(u.id)])) };
}

/** Reads the file and checks every row; nothing is written. */
export async function planImport(text: string, timeZone: string): Promise<{ cases: PlannedCase[]; problems: ImportProblem[]; rows: number }> {
  const problems: ImportProblem[] = [];
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, trim: true, skip_empty_lines: true, relax_column_count: false });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { cases: [], rows: 0, problems: [{ row: line ?? 1, column: '', message: `The file is not valid CSV: ${(err as Error).message}` }] };
  }
  const header = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0].split(',').map((h) => h.trim().toLowerCase());
  const missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { cases: [], rows: records.length, problems: [{ row: 1, column: missing.join(', '), message: 'Missing columns: the first row must name every column of the layout' }] };
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) problems.push({ row: 1, column: unknown.join(', '), message: 'Unknown columns' });

  const { jur, top } = await lookups();
  const latest = addDays(todayIn(timeZone), 1);
  const cases = new Map<string, PlannedCase>();
  const firstRowOf = new Map<string, Record<string, string>>();
  const seenKeys = new Map<string, number>();

  records.forEach((rec, i) => {
    const row = i + 2; // the header is row 1
    const bad = (column: string, message: string) => problems.push({ row, column, message });
    const key = rec.case_key;
    if (!key) return bad('case_key', 'Enter the case key that groups the rows of one case');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(key)) return bad('case_key', 'Use letters, digits, dots, dashes or underscores (at most 100)');

    const previous = firstRowOf.get(key);
    if (previous) {
      for (const c of CASE_COLUMNS) if ((rec[c] ?? '') !== (previous[c] ?? '')) bad(c, `Differs from the first row of case ${key}`);
    } else {
      firstRowOf.set(key, rec);
      const track = rec.track || 'ta';
      if (!(track in TRACKS)) bad('track', 'Use ta, network or cohort');
      const jurisdiction = jur.get(rec.jurisdiction.toLowerCase());
      if (!jurisdiction) bad('jurisdiction', `“${rec.jurisdiction}” is not a state, DC or territory (code or name)`);
      if (!rec.title) bad('title', 'Enter a title');
      else if (rec.title.length > 120) bad('title', 'Title must be 120 characters or fewer');
      if (!rec.requester_name) bad('requester_name', 'Enter the requester’s name');
      if (!EMAIL.test(rec.requester_email)) bad('requester_email', 'Enter an e-mail address like name@example.org');
      if (!(rec.organization_type in ORGANIZATION_TYPES)) bad('organization_type', `Use one of ${Object.keys(ORGANIZATION_TYPES).join(', ')}`);
      if (!rec.organization_name) bad('organization_name', 'Enter the organization');
      const topicIds = split(rec.topics).map((t) => top.get(t.toLowerCase()));
      if (!topicIds.length || topicIds.some((t) => t === undefined)) bad('topics', 'List one or more known topics by name, separated by semicolons');
      if (!realDate(rec.submitted_date)) bad('submitted_date', 'Enter a real date like 2018-03-15');
      else if (rec.submitted_date > latest) bad('submitted_date', 'The submission date is in the future');
      if (rec.case_status && !(rec.case_status in STATUSES)) bad('case_status', `Use one of ${Object.keys(STATUSES).join(', ')}`);
      if (rec.lead_consultant_email && !EMAIL.test(rec.lead_consultant_email)) bad('lead_consultant_email', 'Enter an e-mail address');
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
    if (!realDate(rec.engagement_date)) bad('engagement_date', 'Enter a real date like 2018-04-02');
    if (rec.start_time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(rec.start_time)) bad('start_time', 'Enter a time like 14:30, or leave it empty');
    const duration = Number(rec.duration_minutes);
    if (!/^\d+$/.test(rec.duration_minutes) || duration < 5 || duration > 600) bad('duration_minutes', 'Enter a whole number of minutes from 5 to 600');
    if (!(rec.format in FORMATS)) bad('format', `Use one of ${Object.keys(FORMATS).join(', ')}`);
    if (!(rec.engagement_status in ENGAGEMENT_STATUSES)) bad('engagement_status', 'Use scheduled, delivered or cancelled');
    else if (rec.engagement_status === 'delivered' && rec.engagement_date > latest) bad('engagement_date', 'A delivered engagement cannot be in the future');
    const participants = Number(rec.participant_count);
    if (!/^\d+$/.test(rec.participant_count) || participants < 1 || participants > 10000) bad('participant_count', 'Enter a whole number of participants, at least 1');
    const participantCodes = rec.participant_jurisdictions ? split(rec.participant_jurisdictions).map((j) => jur.get(j.toLowerCase())) : [kase.jurisdiction];
    if (participantCodes.some((c) => !c)) bad('participant_jurisdictions', 'List states, DC or territories by code or name, separated by semicolons');
    const consultants = rec.consultant_emails ? split(rec.consultant_emails).map((e) => e.toLowerCase()) : kase.lead ? [kase.lead] : [];
    if (!consultants.length) bad('consultant_emails', 'Name at least one consultant by e-mail (or a lead consultant for the case)');
    else if (consultants.some((e) => !EMAIL.test(e))) bad('consultant_emails', 'List e-mail addresses separated by semicolons');
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
  });
  return { cases: [...cases.values()], problems, rows: records.length };
}

const nameFromEmail = (email: string) =>
  email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ') || email;

/**
 * Imports historical cases and engagements from CSV. A dry run reports every row with a problem
 * and writes nothing; a real run refuses the whole file if any row has a problem, and otherwise
 * imports every row in one transaction. Rows already imported are recognised and skipped.
 */
export async function importCsv(text: string, options: { dryRun: boolean; timeZone: string; source?: string; onProgress?: (done: number, total: number) => void }): Promise<ImportResult> {
  const plan = await planImport(text, options.timeZone);
  const result: ImportResult = { rows: plan.rows, problems: plan.problems, dryRun: options.dryRun, created: { cases: 0, engagements: 0, consultants: 0 }, skipped: { cases: 0, engagements: 0 } };
  if (plan.problems.length || options.dryRun) {
    if (options.dryRun) await countWhatWouldBeNew(plan.cases, result);
    return result;
  }
  await db.transaction(async (trx) => {
    const users = new Map((await trx('users').select('id', 'email')).map((u) => [String(u.email).toLowerCase(), Number(u.id)]));
    const userId = async (email: string) => {
      const known = users.get(email);
      if (known) return known;
      // Consultants named in old records but without an account get an inactive one.
      const at = nowIso();
      const [row] = await trx('users').insert({ email, name: nameFromEmail(email), role: 'consultant', password_hash: null, active: false, capacity: 0, created_at: at, updated_at: at }).returning('id');
      const id = Number(typeof row === 'object' ? row.id : row);
      users.set(email, id);
      result.created.consultants += 1;
      return id;
    };
    let done = 0;
    for (const c of plan.cases) {
      const existing = await trx('cases').where({ idempotency_key: `import:${c.key}` }).first('id');
      let caseId: number;
      const submittedAt = `${c.submitted}T12:00:00.000Z`;
      if (existing) {
        caseId = Number(existing.id);
        result.skipped.cases += 1;
      } else {
        const year = Number(c.submitted.slice(0, 4));
        const reference = `TA-${year}-${String(await nextReferenceNumber(trx, year)).padStart(4, '0')}`;
        const lead = c.lead ? await userId(c.lead) : null;
        const delivered = c.engagements.filter((e) => e.status === 'delivered').map((e) => e.date).sort();
        const status = c.status ?? (delivered.length ? 'completed' : lead ? 'assigned' : 'new');
        const closed = ['completed', 'declined', 'withdrawn'].includes(status) ? `${(delivered[delivered.length - 1] ?? c.submitted)}T17:00:00.000Z` : null;
        const at = nowIso();
        caseId = await insertCase(trx, {
          reference,
          track: c.track,
          status,
          priority: 'normal',
          source: 'import',
          jurisdiction_code: c.jurisdiction,
          requester_name: c.requester_name,
          requester_email: c.requester_email,
          requester_phone: null,
          requester_title: 'Imported record',
          organization_type: c.organization_type,
          organization_name: c.organization_name,
          preferred_format: 'no_preference',
          title: c.title,
          needs: `Imported from ${options.source ?? 'a CSV file'} (case ${c.key}).`,
          outcomes: null,
          preferred_start: null,
          deadline: null,
          expected_participants: null,
          lead_consultant_id: lead,
          closing_summary: status === 'completed' ? `Imported record (case ${c.key}).` : null,
          closing_reason: ['declined', 'withdrawn'].includes(status) ? `Imported record (case ${c.key}).` : null,
          status_token_hash: hashToken(randomToken()),
          idempotency_key: `import:${c.key}`,
          request_hash: crypto.createHash('sha256').update(c.key).digest('hex'),
          submitted_at: submittedAt,
          first_assigned_at: lead ? submittedAt : null,
          assignment_business_days: lead ? 0 : null,
          first_engagement_at: delivered.length ? `${delivered[0]}T15:00:00.000Z` : null,
          closed_at: closed,
          created_at: at,
          updated_at: at,
        });
        await insertCaseTopics(trx, caseId, c.topic_ids);
        await insertCaseEvent(trx, { case_id: caseId, actor_kind: 'system', kind: 'case.created', after: { reference, source: 'import', file: options.source ?? null, case_key: c.key, status }, created_at: at });
        result.created.cases += 1;
      }
      for (const e of c.engagements) {
        if (await trx('engagements').where({ import_key: e.key }).first('id')) {
          result.skipped.engagements += 1;
          continue;
        }
        const [year, month] = e.date.split('-').map(Number);
        const at = nowIso();
        const row = { case_id: caseId, date: e.date, start_time: e.start_time, year, month, duration_minutes: e.duration_minutes, format: e.format, status: e.status, participant_count: e.participant_count, summary: e.summary ?? 'Imported record.', follow_up_actions: null, follow_up_date: null, created_by: null, created_at: at, updated_at: at };
        const id = await insertEngagement(trx, row);
        await trx('engagements').where({ id }).update({ import_key: e.key });
        const consultantIds = [];
        for (const email of e.consultants) consultantIds.push(await userId(email));
        await replaceChildren(trx, { id, status: e.status, date: e.date, year }, { consultant_ids: [...new Set(consultantIds)], jurisdictions: e.jurisdictions, topic_ids: e.topic_ids, attendees: [] });
        await insertCaseEvent(trx, { case_id: caseId, actor_kind: 'system', kind: 'engagement.added', after: { engagement_id: id, date: e.date, status: e.status, source: 'import' }, created_at: at });
        result.created.engagements += 1;
      }
      done += 1;
      options.onProgress?.(done, plan.cases.length);
    }
  });
  return result;
}

/** For a dry run: how many cases and engagements the real run would add or skip. */
async function countWhatWouldBeNew(cases: PlannedCase[], result: ImportResult): Promise<void> {
  for (const c of cases) {
    if (await db('cases').where({ idempotency_key: `import:${c.key}` }).first('id')) result.skipped.cases += 1;
    else result.created.cases += 1;
    for (const e of c.engagements) {
      if (await db('engagements').where({ import_key: e.key }).first('id')) result.skipped.engagements += 1;
      else result.created.engagements += 1;
    }
  }
}

