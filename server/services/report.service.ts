import type { Config } from '../config';
import { feedbackSummary } from '../queries/feedback.queries';
import { listJurisdictions, listTopics } from '../queries/reference.queries';
import { ReportFilters } from '../queries/report.queries';
import { assignedWithin, assignmentUnknown, openCasesByAge, responsePercentiles } from '../queries/report-case.queries';
import { breakdown, coverage, distinctTotals, servedByYear, totals } from './report-figures';
import { listUserNames } from '../queries/user.queries';
import { FORMATS, Role, TRACKS } from '../vocabulary';
import { EARLIEST_DATE, LATEST_DATE, isDateInRange, todayIn } from './time';
import { FieldError, ForbiddenError } from '../errors';

/** Who reads a report: the signed-in person (the web) or a token's holder (the API). */
export interface ReportReader {
  role: Role;
}

/** Reports are for directors: the one rule, for the web, the API and any other caller. */
export function mustReadReports(actor: ReportReader): void {
  if (actor.role !== 'director') throw new ForbiddenError('Only directors can see the reports.');
}

export type { ReportFilters };

export const PROGRAM_START = '2017-01-01';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) =>
  DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const one = (v: unknown) => (typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '');

/**
 * Reads report filters from a query string. Defaults: 2017-01-01 to today. A value that makes no
 * sense is left out and named in `problems`, so the page still shows figures.
 */
export function parseReportFilters(
  query: Record<string, unknown>,
  timeZone: string,
  now = new Date(),
): { filters: ReportFilters; problems: string[]; refused: FieldError[] } {
  const problems: string[] = [];
  const refused: FieldError[] = [];
  const today = todayIn(timeZone, now);
  let from = one(query.from) || PROGRAM_START;
  let to = one(query.to) || today;
  // A real date outside the years the app keeps is refused, not guessed at (the caller answers 422).
  if (realDate(from) && !isDateInRange(from)) {
    refused.push({ field: 'from', message: `“From” must be a date from ${EARLIEST_DATE} to ${LATEST_DATE} (got ${from})` });
    from = PROGRAM_START;
  }
  if (realDate(to) && !isDateInRange(to)) {
    refused.push({ field: 'to', message: `“To” must be a date from ${EARLIEST_DATE} to ${LATEST_DATE} (got ${to})` });
    to = today;
  }
  if (!realDate(from)) {
    problems.push(`“${from}” is not a date; the period starts on ${PROGRAM_START}.`);
    from = PROGRAM_START;
  }
  if (!realDate(to)) {
    problems.push(`“${to}” is not a date; the period ends today.`);
    to = today;
  }
  if (to < from) {
    problems.push('The end of the period was before its start; the two were swapped.');
    [from, to] = [to, from];
  }
  const filters: ReportFilters = { from, to, timeZone };
  const track = one(query.track);
  if (track) track in TRACKS ? (filters.track = track) : problems.push(`Unknown program “${track}”.`);
  const format = one(query.format);
  if (format) format in FORMATS ? (filters.format = format) : problems.push(`Unknown format “${format}”.`);
  const topic = one(query.topic);
  if (topic) /^[a-z0-9-]{1,64}$/.test(topic) ? (filters.topic = topic) : problems.push(`Unknown topic “${topic}”.`);
  const consultant = one(query.consultant);
  if (consultant)
    /^\d{1,9}$/.test(consultant) ? (filters.consultant = Number(consultant)) : problems.push(`Unknown consultant “${consultant}”.`);
  const jurisdiction = one(query.jurisdiction).toUpperCase();
  if (jurisdiction)
    /^[A-Z]{2}$/.test(jurisdiction) ? (filters.jurisdiction = jurisdiction) : problems.push(`Unknown jurisdiction “${jurisdiction}”.`);
  return { filters, problems, refused };
}

/** The filters as query-string pairs, for links that keep them. */
export function filterParams(f: ReportFilters, changes: Partial<Record<keyof ReportFilters, string | number | undefined>> = {}): string {
  const params = new URLSearchParams();
  const all = { ...f, ...changes } as Record<string, unknown>;
  for (const key of ['from', 'to', 'track', 'format', 'topic', 'consultant', 'jurisdiction']) {
    const v = all[key];
    if (v !== undefined && v !== '') params.set(key, String(v));
  }
  return params.toString();
}

const DAY = 86_400;
const days = (secs: number | null) => (secs === null ? null : Math.round((secs / DAY) * 10) / 10);
export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/** The ages the dashboard counts open cases by. */
function ageBuckets(now: Date): { label: string; before: string }[] {
  const ago = (d: number) => new Date(now.getTime() - d * DAY * 1000).toISOString();
  return [
    { label: 'Under 1 week', before: '' },
    { label: '1 to 4 weeks', before: ago(7) },
    { label: '1 to 3 months', before: ago(28) },
    { label: '3 to 12 months', before: ago(91) },
    { label: 'Over a year', before: ago(365) },
  ];
}

/**
 * The coverage figures under one set of filters: the headline, each jurisdiction served and the
 * years. What the coverage CSV and the API's coverage report show, and the top of the dashboard.
 */
async function coverageFigures(f: ReportFilters, now: Date) {
  const buckets = ageBuckets(now);
  const [all, cov, byYear, open, jurisdictions, ever, servedYears] = await Promise.all([
    totals(f),
    coverage(f),
    breakdown(f, 'year'),
    openCasesByAge(f, buckets.slice(1)),
    listJurisdictions(),
    // "New to LEEP": first served ever (since the first record), under the same other filters.
    coverage({ ...f, from: EARLIEST_DATE }),
    servedByYear(f),
  ]);
  const byCode = new Map(cov.map((c) => [c.code, c]));
  const rows = jurisdictions.map((j) => ({ ...j, served: byCode.get(j.code) }));
  const states = rows.filter((r) => r.kind !== 'territory');
  const territories = rows.filter((r) => r.kind === 'territory');

  // Jurisdiction counts by year are of states (50 + DC), as the headline's: territories apart.
  const isState = new Map(jurisdictions.map((j) => [j.code, j.kind !== 'territory']));
  const firstEver = ever.filter((c) => isState.get(c.code)).map((c) => c.first_served);
  const fromYear = Number(f.from.slice(0, 4));
  const toYear = Number(f.to.slice(0, 4));
  const yearRows = [];
  for (let year = fromYear; year <= toYear; year += 1) {
    const yFrom = year === fromYear ? f.from : `${year}-01-01`;
    const yTo = year === toYear ? f.to : `${year}-12-31`;
    const t = byYear.find((b) => Number(b.key) === year) ?? { engagements: 0, minutes: 0, participants: 0 };
    yearRows.push({
      year,
      served: (servedYears.get(year) ?? []).filter((code) => isState.get(code)).length,
      newly: firstEver.filter((d) => d >= yFrom && d <= yTo).length,
      cumulative: firstEver.filter((d) => d <= yTo).length,
      engagements: t.engagements,
      hours: hoursOf(t.minutes),
      participants: t.participants,
      from: yFrom,
      to: yTo,
    });
  }

  // Open cases: bucket i counts those submitted before cutoff i, so each band is a difference.
  const older = [open.total, ...open.buckets];
  const openByAge = buckets.map((b, i) => ({ label: b.label, count: older[i] - (older[i + 1] ?? 0) }));
  const withHours = <T extends { minutes: number }>(r: T) => ({ ...r, hours: hoursOf(r.minutes) });

  return {
    headline: {
      statesServed: states.filter((s) => s.served).length,
      statesTotal: states.length,
      territoriesServed: territories.filter((t) => t.served).map((t) => t.name),
      newToLeep: firstEver.filter((d) => d >= f.from && d <= f.to).length,
      engagements: all.engagements,
      hours: hoursOf(all.minutes),
      participants: all.participants,
      openCases: open.total,
    },
    states: states.map((s) => ({ ...s, served: s.served && withHours(s.served) })),
    territories: territories.map((t) => ({ ...t, served: t.served && withHours(t.served) })),
    years: yearRows,
    openByAge,
  };
}

/** Every figure of the dashboard, computed by SQL aggregates under one set of filters. */
export async function dashboardFigures(f: ReportFilters, config: Pick<Config, 'responseTargetBusinessDays'>, now = new Date()) {
  const [
    covered,
    byTrack,
    byFormat,
    byTopic,
    byConsultant,
    assigned,
    engaged,
    within,
    topics,
    unknownAssignment,
    stateTotal,
    territoryTotal,
    topicTotal,
    consultantTotal,
  ] = await Promise.all([
    coverageFigures(f, now),
    breakdown(f, 'track'),
    breakdown(f, 'format'),
    breakdown(f, 'topic'),
    breakdown(f, 'consultant'),
    responsePercentiles(f, 'first_assigned_at'),
    responsePercentiles(f, 'first_engagement_at'),
    assignedWithin(f, config.responseTargetBusinessDays),
    listTopics({ includeRetired: true }),
    assignmentUnknown(f),
    distinctTotals(f, 'state'),
    distinctTotals(f, 'territory'),
    distinctTotals(f, 'topic'),
    distinctTotals(f, 'consultant'),
  ]);
  const topicName = new Map(topics.map((t) => [t.slug, t.name]));
  const withHours = <T extends { minutes: number }>(r: T) => ({ ...r, hours: hoursOf(r.minutes) });

  return {
    ...covered,
    byTrack: byTrack.map((r) => ({ ...withHours(r), label: TRACKS[r.key as keyof typeof TRACKS] ?? r.key })),
    byFormat: byFormat.map((r) => ({ ...withHours(r), label: FORMATS[r.key as keyof typeof FORMATS] ?? r.key })),
    byTopic: byTopic.map((r) => ({ ...withHours(r), label: topicName.get(r.key) ?? r.key })).sort((a, b) => b.engagements - a.engagements),
    byConsultant: byConsultant.map(withHours).sort((a, b) => b.engagements - a.engagements),
    // The total rows of the tables that credit an engagement under each of its states, topics or consultants.
    distinct: {
      states: withHours(stateTotal),
      territories: withHours(territoryTotal),
      topics: withHours(topicTotal),
      consultants: withHours(consultantTotal),
    },
    response: {
      assignMedianDays: days(assigned.median),
      assignP90Days: days(assigned.p90),
      assignedCount: assigned.n,
      firstMedianDays: days(engaged.median),
      firstP90Days: days(engaged.p90),
      engagedCount: engaged.n,
      withinTarget: within.within,
      assigned: within.assigned,
      withinShare: within.assigned ? Math.round((within.within / within.assigned) * 1000) / 10 : null,
      assignmentUnknown: unknownAssignment,
      target: config.responseTargetBusinessDays,
    },
  };
}

/** The share of completed cases whose requesters answered, to 0.1 %; null when none completed. */
const answeredShare = (r: { completed: number; answered: number }) =>
  r.completed ? Math.round((r.answered / r.completed) * 1000) / 10 : null;

/** The feedback on the cases completed in the period: in all, by format and by consultant. */
async function feedbackFigures(f: ReportFilters) {
  const [all, byFormat, byConsultant] = await Promise.all([
    feedbackSummary(f, 'all'),
    feedbackSummary(f, 'format'),
    feedbackSummary(f, 'consultant'),
  ]);
  return {
    all: { ...all[0], rate: answeredShare(all[0]) },
    byFormat: byFormat.map((r) => ({ ...r, label: FORMATS[r.key as keyof typeof FORMATS] ?? r.key, rate: answeredShare(r) })),
    byConsultant: byConsultant.map((r) => ({ ...r, rate: answeredShare(r) })),
  };
}

/** The dashboard for a director: every figure, the feedback, and the consultants its filter offers. */
export async function dashboardReport(actor: ReportReader, f: ReportFilters, config: Pick<Config, 'responseTargetBusinessDays'>) {
  mustReadReports(actor);
  const [figures, feedback, consultants] = await Promise.all([dashboardFigures(f, config), feedbackFigures(f), listUserNames()]);
  return { figures, feedback, consultants };
}

/** The coverage figures for a director (the coverage CSV, the API): the dashboard's, without its breakdowns and case figures. */
export async function coverageReport(actor: ReportReader, f: ReportFilters, now = new Date()) {
  mustReadReports(actor);
  return coverageFigures(f, now);
}
