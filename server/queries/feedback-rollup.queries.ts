import { Queryable } from '../db';
import { utcYearSql } from '../db-sql';

// The feedback figures summed by calendar year (UTC) of completion and track, over all
// jurisdictions (migration 2026120700001 says what each row counts). The completed cases counted
// are those matching `condition`; the CTE fc comes first, then the insert.
const FEEDBACK_CTE = (year: string, condition: string) => `
  with fc as (
    select c.id as f_id, ${year} as f_year, c.track as f_track,
      case when fb.case_id is null then 0 else 1 end as f_answered, fb.quality as f_q, fb.relevance as f_r, fb.usefulness as f_u
    from cases c left join feedback fb on fb.case_id = c.id
    where c.status = 'completed' and c.source <> 'import' and c.closed_at is not null and ${condition}
  )`;
const SUMS = 'count(*), sum(f_answered), coalesce(sum(f_q), 0), coalesce(sum(f_r), 0), coalesce(sum(f_u), 0)';
const FEEDBACK_ROWS = `
  insert into report_feedback_years (calendar_year, track, kind, item, completed, answered, quality, relevance, usefulness)
  select f_year, f_track, 'all', '', ${SUMS} from fc group by f_year, f_track
  union all select f_year, f_track, 'format', x.format, ${SUMS} from fc join report_case_formats x on x.case_id = fc.f_id group by f_year, f_track, x.format
  union all select f_year, f_track, 'consultant', cast(x.user_id as varchar(32)), ${SUMS} from fc join report_case_consultants x on x.case_id = fc.f_id group by f_year, f_track, x.user_id`;

/** The (year, track) cell a completed case is counted in. */
interface FeedbackMark {
  case_id: number;
  calendar_year: number;
  track: string;
}

const toMark = (r: Record<string, unknown>): FeedbackMark => ({
  case_id: Number(r.case_id),
  calendar_year: Number(r.calendar_year),
  track: String(r.track),
});

/** The cells these cases count in now, read from the case rows (none for a case not completed, or imported). */
export async function currentFeedbackMarks(q: Queryable, caseIds: number[]): Promise<FeedbackMark[]> {
  const rows = await q('cases as c')
    .whereIn('c.id', caseIds)
    .where('c.status', 'completed')
    .whereNot('c.source', 'import')
    .whereNotNull('c.closed_at')
    .select('c.id as case_id', q.raw(`${utcYearSql('c.closed_at', q)} as calendar_year`), 'c.track');
  return rows.map(toMark);
}

/** The cells these cases were counted in when last counted. */
export async function keptFeedbackMarks(q: Queryable, caseIds: number[]): Promise<FeedbackMark[]> {
  return (await q('report_feedback_marks').whereIn('case_id', caseIds).select('*')).map(toMark);
}

/** Replaces the kept marks of these cases by their current ones. */
export async function replaceFeedbackMarks(q: Queryable, caseIds: number[], marks: FeedbackMark[]): Promise<void> {
  await q('report_feedback_marks').whereIn('case_id', caseIds).delete();
  for (let i = 0; i < marks.length; i += 100) await q('report_feedback_marks').insert(marks.slice(i, i + 100));
}

/** The first instant of a calendar year (UTC), as the case rows are compared with. */
export const yearStart = (year: number) => `${String(year).padStart(4, '0')}-01-01T00:00:00.000Z`;

/** Counts one (year, track) cell of the feedback rows again from the raw rows. */
export async function recountFeedbackYear(q: Queryable, calendarYear: number, track: string): Promise<void> {
  await q('report_feedback_years').where({ calendar_year: calendarYear, track }).delete();
  await q.raw(`${FEEDBACK_CTE('cast(? as integer)', 'c.closed_at >= ? and c.closed_at < ? and c.track = ?')} ${FEEDBACK_ROWS}`, [
    calendarYear,
    yearStart(calendarYear),
    yearStart(calendarYear + 1),
    track,
  ]);
}

/** Makes every feedback row and mark again from the raw rows (after the case lists). */
export async function rebuildFeedbackYears(q: Queryable): Promise<void> {
  await q('report_feedback_years').delete();
  await q('report_feedback_marks').delete();
  const year = utcYearSql('c.closed_at', q);
  await q.raw(`${FEEDBACK_CTE(year, '1 = 1')} ${FEEDBACK_ROWS}`);
  await q.raw(
    `insert into report_feedback_marks (case_id, calendar_year, track)
     select c.id, ${year}, c.track from cases c where c.status = 'completed' and c.source <> 'import' and c.closed_at is not null`,
  );
}
