import { Queryable, rawRows, reads } from '../db';
import { yearStart } from './feedback-rollup.queries';
import { num } from '../values';
import { ReportFilters, periodInstants } from './report.queries';

/** A requester's answer to the survey of a completed case. */
export interface FeedbackRow {
  id: number;
  case_id: number;
  quality: number;
  relevance: number;
  usefulness: number;
  comment: string | null;
  created_at: string | Date;
}

/** Stores a case's feedback; a second answer for the same case is a unique violation. */
export async function insertFeedback(q: Queryable, row: Omit<FeedbackRow, 'id'>): Promise<void> {
  await q('feedback').insert(row);
}

/** The feedback given on a case, if any. */
export async function findFeedback(caseId: number, q: Queryable = reads): Promise<FeedbackRow | undefined> {
  return q('feedback').where({ case_id: caseId }).first();
}

export interface FeedbackFigures {
  completed: number;
  answered: number;
  quality: number | null;
  relevance: number | null;
  usefulness: number | null;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
/** The figures from the sums: the means are of the answered cases. */
const figures = (r: Record<string, unknown>): FeedbackFigures => {
  const answered = num(r.answered);
  const mean = (sum: unknown) => (answered ? round(num(sum) / answered) : null);
  return { completed: num(r.completed), answered, quality: mean(r.quality), relevance: mean(r.relevance), usefulness: mean(r.usefulness) };
};

type By = 'all' | 'format' | 'consultant';
interface Part {
  sql: string;
  bindings: (string | number)[];
}

/**
 * The completed cases closed from `start` to before `end` (instants), one row per case and group,
 * as a part of the sums: `sign` -1 takes them away from the year rows that hold them. A case has
 * one feedback at most, and the case lists hold a format or a consultant once per case.
 */
function rawPart(f: ReportFilters, by: By, start: string, end: string, sign: 1 | -1): Part {
  const key = { all: "'' as key", format: 'x.format as key', consultant: 'cast(x.user_id as varchar(32)) as key' }[by];
  const list = {
    all: '',
    format: 'join report_case_formats x on x.case_id = c.id',
    consultant: 'join report_case_consultants x on x.case_id = c.id',
  }[by];
  const s = sign < 0 ? '-' : '';
  // Imported cases are left out: their requesters were never asked, so they are not "not answered".
  const bindings: (string | number)[] = [start, end];
  let sql = `select ${key}, ${s}1 as completed, ${s}(case when fb.case_id is null then 0 else 1 end) as answered,
      ${s}fb.quality as quality, ${s}fb.relevance as relevance, ${s}fb.usefulness as usefulness
    from cases c left join feedback fb on fb.case_id = c.id ${list}
    where c.status = 'completed' and c.source <> 'import' and c.closed_at >= ? and c.closed_at < ?`;
  if (f.track) {
    sql += ' and c.track = ?';
    bindings.push(f.track);
  }
  if (f.jurisdiction) {
    sql += ' and c.jurisdiction_code = ?';
    bindings.push(f.jurisdiction);
  }
  return { sql, bindings };
}

/** The year rows of whole calendar years (UTC), from the first to the last, as a part of the sums. */
function yearsPart(f: ReportFilters, by: By, first: number, last: number): Part {
  const bindings: (string | number)[] = [by, first, last];
  let sql = `select item as key, completed, answered, quality, relevance, usefulness
    from report_feedback_years where kind = ? and calendar_year >= ? and calendar_year <= ?`;
  if (f.track) {
    sql += ' and track = ?';
    bindings.push(f.track);
  }
  return { sql, bindings };
}

/**
 * The parts whose sums are the period's [from, to): without a jurisdiction filter, the year rows
 * (report_feedback_years, over all jurisdictions) of the years it spans, and at each end the raw
 * cases of the shorter of the part of its year outside the period (taken away) and the part inside
 * (added); the whole-history dashboard reads a few hours of raw cases. A jurisdiction filter, or a
 * period inside one year, reads the raw cases of the period alone.
 */
function parts(f: ReportFilters, by: By, from: string, to: string): Part[] {
  const whole = [rawPart(f, by, from, to, 1)];
  if (f.jurisdiction) return whole;
  const yearOf = (instant: string) => Number(instant.slice(0, 4));
  const ms = (instant: string) => Date.parse(instant);
  const startYear = yearOf(from);
  const endYear = yearOf(to);
  const edges: Part[] = [];
  let first = startYear;
  if (from !== yearStart(startYear)) {
    if (ms(from) - ms(yearStart(startYear)) <= ms(yearStart(startYear + 1)) - ms(from))
      edges.push(rawPart(f, by, yearStart(startYear), from, -1));
    else {
      first = startYear + 1;
      edges.push(rawPart(f, by, from, yearStart(first), 1));
    }
  }
  let last = endYear - 1;
  if (to !== yearStart(endYear)) {
    if (ms(yearStart(endYear + 1)) - ms(to) < ms(to) - ms(yearStart(endYear))) {
      last = endYear;
      edges.push(rawPart(f, by, to, yearStart(endYear + 1), -1));
    } else edges.push(rawPart(f, by, yearStart(endYear), to, 1));
  }
  return first <= last ? [yearsPart(f, by, first, last), ...edges] : whole;
}

const SUMS =
  'sum(completed) as completed, sum(answered) as answered, sum(quality) as quality, sum(relevance) as relevance, sum(usefulness) as usefulness';

/**
 * Feedback on cases completed in the period (closed_at) whose requesters were asked (not imported), under the case filters: mean ratings
 * and how many answered. By format and by consultant, a case counts under each format of its
 * delivered engagements and each consultant who facilitated them (the case lists kept with the
 * report roll-ups).
 */
export async function feedbackSummary(
  f: ReportFilters,
  by: By,
  q: Queryable = reads,
): Promise<(FeedbackFigures & { key: string; label?: string })[]> {
  const [from, to] = periodInstants(f);
  const list = parts(f, by, from, to);
  const union = `(${list.map((p) => p.sql).join(' union all ')}) as t`;
  const bindings = list.flatMap((p) => p.bindings);
  if (by === 'all') {
    const [row] = rawRows(await q.raw(`select ${SUMS} from ${union}`, bindings));
    return [{ key: 'all', ...figures(row) }];
  }
  if (by === 'format') {
    const rows = rawRows(await q.raw(`select key, ${SUMS} from ${union} group by key`, bindings));
    return rows
      .map((r) => ({ key: String(r.key), ...figures(r) }))
      .filter((r) => r.completed > 0)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  const rows = rawRows(
    await q.raw(
      `select u.id as key, u.name as label, ${SUMS} from ${union} join users u on u.id = cast(t.key as integer)
       group by u.id, u.name having sum(completed) > 0 order by u.name`,
      bindings,
    ),
  );
  return rows.map((r) => ({ key: String(r.key), label: String(r.label), ...figures(r) }));
}
