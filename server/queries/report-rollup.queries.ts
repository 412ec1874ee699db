import { db, Queryable, reads, readTogether } from '../db';
import { lockForTransaction, orderedListSql, rowsPerRepeatedUpsert } from '../db-sql';
import { rebuildFeedbackYears } from './feedback-rollup.queries';

// The roll-ups of delivered engagements (migrations 2026120517001 and 2026120521002 say what each
// row counts): over all engagements (jurisdiction '') and over those listing each jurisdiction.
// The engagements counted are those matching `condition` (which says they are delivered); the
// CTEs d and dj come first, then the statement that uses the rows (an insert, or an insert that
// adds to the rows it finds). The reads of the roll-ups are in report-rollup-reads.queries.ts.
const ROLLUP_CTES = (condition: string) => `
  with d as (
    select e.id as d_id, e.date as d_date, e.year as d_year, substr(e.date, 1, 7) as d_month, c.track as d_track, e.format as d_format, e.duration_minutes as d_m, e.participant_count as d_p
    from engagements e join cases c on c.id = e.case_id where ${condition}
  ),
  dj as (select d.*, x.jurisdiction_code as d_code from d join engagement_jurisdictions x on x.engagement_id = d.d_id)`;
const ROLLUP_COLUMNS = 'kind, jurisdiction, month, year, track, item, engagements, minutes, participants, first_date, last_date';
// The rows over all engagements (jurisdiction ''), which the year rows sum, then those per jurisdiction.
const ALL_ENGAGEMENT_ROWS = `
  select 'format' as kind, '' as jurisdiction, d_month as month, d_year as year, d_track as track, d_format as item, count(*) as engagements, sum(d_m) as minutes, sum(d_p) as participants, min(d_date) as first_date, max(d_date) as last_date from d group by d_month, d_year, d_track, d_format
  union all select 'jurisdiction', '', d_month, d_year, d_track, d_code, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj group by d_month, d_year, d_track, d_code
  union all select 'topic', '', d_month, d_year, d_track, cast(x.topic_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_topics x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.topic_id
  union all select 'consultant', '', d_month, d_year, d_track, cast(x.user_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_consultants x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.user_id
  union all select 'any_state', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind <> 'territory') group by d_month, d_year, d_track
  union all select 'any_territory', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind = 'territory') group by d_month, d_year, d_track
  union all select 'any_topic', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_topics x where x.engagement_id = d.d_id) group by d_month, d_year, d_track
  union all select 'any_consultant', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_consultants x where x.engagement_id = d.d_id) group by d_month, d_year, d_track`;
const ROLLUP_ROWS = `${ALL_ENGAGEMENT_ROWS}
  union all select 'format', d_code, d_month, d_year, d_track, d_format, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj group by d_code, d_month, d_year, d_track, d_format
  union all select 'topic', d_code, d_month, d_year, d_track, cast(x.topic_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj join engagement_topics x on x.engagement_id = dj.d_id group by d_code, d_month, d_year, d_track, x.topic_id
  union all select 'consultant', d_code, d_month, d_year, d_track, cast(x.user_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj join engagement_consultants x on x.engagement_id = dj.d_id group by d_code, d_month, d_year, d_track, x.user_id
  union all select 'any_topic', d_code, d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj where exists (select 1 from engagement_topics x where x.engagement_id = dj.d_id) group by d_code, d_month, d_year, d_track
  union all select 'any_consultant', d_code, d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj where exists (select 1 from engagement_consultants x where x.engagement_id = dj.d_id) group by d_code, d_month, d_year, d_track`;
const DELIVERED = "e.status = 'delivered'";
const ROLLUP_KINDS = (condition: string) => `${ROLLUP_CTES(`${DELIVERED} and ${condition}`)}
  insert into report_rollups (${ROLLUP_COLUMNS})${ROLLUP_ROWS}`;

/** What a row found in `table` becomes when the same key's new figures (`excluded`) are added to it. */
const ADD_TO = (table: string) => `do update set
    engagements = ${table}.engagements + excluded.engagements,
    minutes = ${table}.minutes + excluded.minutes,
    participants = ${table}.participants + excluded.participants,
    first_date = case when excluded.first_date < ${table}.first_date then excluded.first_date else ${table}.first_date end,
    last_date = case when excluded.last_date > ${table}.last_date then excluded.last_date else ${table}.last_date end`;

/** SQL of everything an engagement adds to the roll-ups, as one text: when it changes, its cells are redone. */
const signatureSql = (q: Queryable) =>
  `e.date || '|' || e.year || '|' || e.format || '|' || e.duration_minutes || '|' || e.participant_count || '|' || c.track
   || '|' || coalesce(${orderedListSql('x.jurisdiction_code', 'from engagement_jurisdictions x where x.engagement_id = e.id', q)}, '')
   || '|' || coalesce(${orderedListSql('x.topic_id', 'from engagement_topics x where x.engagement_id = e.id', q)}, '')
   || '|' || coalesce(${orderedListSql('x.user_id', 'from engagement_consultants x where x.engagement_id = e.id', q)}, '')`;

interface EngagementMark {
  engagement_id: number;
  case_id: number;
  month: string;
  track: string;
  signature: string;
}

const toMark = (r: Record<string, unknown>): EngagementMark => ({
  engagement_id: Number(r.engagement_id),
  case_id: Number(r.case_id),
  month: String(r.month),
  track: String(r.track),
  signature: String(r.signature),
});

/** What the delivered engagements of these cases add to the roll-ups now, read from the raw rows. */
export async function currentMarks(q: Queryable, caseIds: number[]): Promise<EngagementMark[]> {
  const rows = await q('engagements as e')
    .join('cases as c', 'c.id', 'e.case_id')
    .where('e.status', 'delivered')
    .whereIn('e.case_id', caseIds)
    .select(
      'e.id as engagement_id',
      'e.case_id',
      q.raw('substr(e.date, 1, 7) as month'),
      'c.track',
      q.raw(`${signatureSql(q)} as signature`),
    );
  return rows.map(toMark);
}

/** What the roll-ups hold for these cases' engagements (as last counted). */
export async function keptMarks(q: Queryable, caseIds: number[]): Promise<EngagementMark[]> {
  return (await q('report_engagement_marks').whereIn('case_id', caseIds).select('*')).map(toMark);
}

/** Replaces the kept marks of these engagements by their current ones (none for an engagement no longer delivered). */
export async function replaceMarks(q: Queryable, engagementIds: number[], marks: EngagementMark[]): Promise<void> {
  for (let i = 0; i < engagementIds.length; i += 500)
    await q('report_engagement_marks')
      .whereIn('engagement_id', engagementIds.slice(i, i + 500))
      .delete();
  for (let i = 0; i < marks.length; i += 100) await q('report_engagement_marks').insert(marks.slice(i, i + 100));
}

/** A month as the roll-ups write it, YYYY-MM (a year before 1000 too: '0999-12'). */
export const monthOf = (year: number, month: number) => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;

const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? monthOf(y + 1, 1) : monthOf(y, m + 1);
};

/** Counts one (month, track) cell of the roll-ups again from the raw rows. */
export async function recountCell(q: Queryable, month: string, track: string): Promise<void> {
  await q('report_rollups').where({ month, track }).delete();
  await q.raw(ROLLUP_KINDS('e.date >= ? and e.date < ? and c.track = ?'), [`${month}-01`, `${nextMonth(month)}-01`, track]);
}

/**
 * The rows over all engagements summed by calendar year (migration 2026120600002), from the month
 * rows: a period of whole years reads one row a year instead of twelve.
 */
const YEAR_ROWS = (condition: string) => `
  insert into report_rollup_years (kind, calendar_year, track, item, year, engagements, minutes, participants, first_date, last_date)
  select kind, cast(substr(month, 1, 4) as integer), track, item, year, sum(engagements), sum(minutes), sum(participants), min(first_date), max(last_date)
  from report_rollups where jurisdiction = '' and ${condition}
  group by kind, substr(month, 1, 4), track, item, year`;

/** Sums one (calendar year, track) cell of the year rows again from its month rows (after any of them was counted again). */
export async function recountYear(q: Queryable, calendarYear: number, track: string): Promise<void> {
  await q('report_rollup_years').where({ calendar_year: calendarYear, track }).delete();
  await q.raw(YEAR_ROWS('month >= ? and month <= ? and track = ?'), [monthOf(calendarYear, 1), monthOf(calendarYear, 12), track]);
}

/**
 * Adds what these delivered engagements count to the month and year rows (creating the rows they
 * are the first of), without counting anything else again: right for engagements the roll-ups do
 * not hold yet (no mark), as a new engagement is. The sums add up; the first and last dates can only
 * widen. (A `where true` keeps SQLite from reading the conflict clause as a join's.) An import adds
 * many: they go a chunk at a time, as many as rowsPerRepeatedUpsert says.
 */
export async function addToRollups(q: Queryable, engagementIds: number[], chunk = rowsPerRepeatedUpsert(q)): Promise<void> {
  for (let i = 0; i < engagementIds.length; i += chunk) await addChunkToRollups(q, engagementIds.slice(i, i + chunk));
}

async function addChunkToRollups(q: Queryable, engagementIds: number[]): Promise<void> {
  if (!engagementIds.length) return;
  // The ids are of engagements read as delivered in this transaction (currentMarks): no status
  // test, which would lead SQLite's planner to the status index (every delivered engagement, about
  // 16 ms a query at L) instead of one primary-key lookup per id.
  const ids = engagementIds.map(() => '?').join(', ');
  await q.raw(
    `${ROLLUP_CTES(`e.id in (${ids})`)}
     insert into report_rollups (${ROLLUP_COLUMNS}) select * from (${ROLLUP_ROWS}) as n where true
     on conflict (kind, jurisdiction, month, track, item, year) ${ADD_TO('report_rollups')}`,
    engagementIds,
  );
  await q.raw(
    `${ROLLUP_CTES(`e.id in (${ids})`)}
     insert into report_rollup_years (kind, calendar_year, track, item, year, engagements, minutes, participants, first_date, last_date)
     select kind, cast(substr(month, 1, 4) as integer), track, item, year, sum(engagements), sum(minutes), sum(participants), min(first_date), max(last_date)
     from (${ALL_ENGAGEMENT_ROWS}) as n
     group by kind, substr(month, 1, 4), track, item, year
     on conflict (kind, calendar_year, track, item, year) ${ADD_TO('report_rollup_years')}`,
    engagementIds,
  );
}

const CASE_FORMATS = `insert into report_case_formats (case_id, format) select distinct e.case_id, e.format from engagements e where e.status = 'delivered'`;
const CASE_CONSULTANTS = `insert into report_case_consultants (case_id, user_id) select distinct e.case_id, ec.user_id from engagements e join engagement_consultants ec on ec.engagement_id = e.id where e.status = 'delivered'`;

/**
 * Makes the roll-ups wait for any other transaction that is counting them again (PostgreSQL; SQLite
 * has one writer at a time): two changes recounting the same cell at once would each delete and
 * insert it, and one of them would fail on the other's rows.
 */
export async function lockRollups(trx: Queryable): Promise<void> {
  await lockForTransaction(trx, 'leep:report-rollups');
}

/** Makes the formats and consultants of these cases' delivered engagements again from the raw rows. */
export async function recountCaseLists(q: Queryable, caseIds: number[]): Promise<void> {
  await q('report_case_formats').whereIn('case_id', caseIds).delete();
  await q('report_case_consultants').whereIn('case_id', caseIds).delete();
  const ids = caseIds.map(() => '?').join(', ');
  await q.raw(`${CASE_FORMATS} and e.case_id in (${ids})`, caseIds);
  await q.raw(`${CASE_CONSULTANTS} and e.case_id in (${ids})`, caseIds);
}

/**
 * Makes every roll-up and mark again from the raw rows. It takes the roll-ups' lock first: a change
 * counting a cell again beside it (PostgreSQL) would not see the rows it inserts and fail on them.
 */
export async function rebuildRollups(q: Queryable = db): Promise<void> {
  await lockRollups(q);
  await q('report_rollups').delete();
  await q('report_rollup_years').delete();
  await q('report_engagement_marks').delete();
  await q('report_case_formats').delete();
  await q('report_case_consultants').delete();
  await q.raw(CASE_FORMATS);
  await q.raw(CASE_CONSULTANTS);
  await rebuildFeedbackYears(q);
  await q.raw(ROLLUP_KINDS('1 = 1'));
  await q.raw(YEAR_ROWS('1 = 1'));
  await q.raw(
    `insert into report_engagement_marks (engagement_id, case_id, month, track, signature)
     select e.id, e.case_id, substr(e.date, 1, 7), c.track, ${signatureSql(q)} from engagements e join cases c on c.id = e.case_id where e.status = 'delivered'`,
  );
}

/** Every roll-up and mark, in a fixed order (for the test that compares them with a rebuild). */
export async function allDerivedRows(
  q: Queryable = reads,
): Promise<
  Record<'rollups' | 'years' | 'marks' | 'formats' | 'consultants' | 'feedbackYears' | 'feedbackMarks', Record<string, unknown>[]>
> {
  const rollups = await q('report_rollups').orderBy(['kind', 'jurisdiction', 'month', 'track', 'item', 'year']).select('*');
  const years = await q('report_rollup_years').orderBy(['kind', 'calendar_year', 'track', 'item', 'year']).select('*');
  const marks = await q('report_engagement_marks').orderBy('engagement_id').select('*');
  const formats = await q('report_case_formats').orderBy(['case_id', 'format']).select('*');
  const consultants = await q('report_case_consultants').orderBy(['case_id', 'user_id']).select('*');
  const feedbackYears = await q('report_feedback_years').orderBy(['kind', 'calendar_year', 'track', 'item']).select('*');
  const feedbackMarks = await q('report_feedback_marks').orderBy('case_id').select('*');
  const plain = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k !== 'item' ? Number(v) : v]));
  return {
    rollups: rollups.map(plain),
    years: years.map(plain),
    marks: marks.map(plain),
    formats: formats.map(plain),
    consultants: consultants.map(plain),
    feedbackYears: feedbackYears.map(plain),
    feedbackMarks: feedbackMarks.map(plain),
  };
}

/** How many roll-up rows (by month and by year) and marked (delivered) engagements there are. */
export async function countDerivedRows(q: Queryable = reads): Promise<{ rollups: number; engagements: number }> {
  const [[a], [y], [b]] = await readTogether(q, [
    () => q('report_rollups').count({ n: '*' }),
    () => q('report_rollup_years').count({ n: '*' }),
    () => q('report_engagement_marks').count({ n: '*' }),
  ] as const);
  return { rollups: Number(a.n) + Number(y.n), engagements: Number(b.n) };
}
