// Generated report data and a plain recount of it, for the report and dashboard tests.
//
// The generator writes cases and engagements straight into the tables with knex; the recount
// loads the raw tables back into JavaScript and counts them by the definitions of PRODUCT.md
// ("Reports: what the figures mean"), without any of the application's queries.

import { parse } from 'csv-parse/sync';
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertMany, resetIdSequence } from '../../server/db';
import { rebuildRollups } from '../../server/queries/report-rollup.queries';
import type { ReportFilters } from '../../server/queries/report.queries';

// ---------------------------------------------------------------------------------------------
// A seeded generator, so every run makes the same data.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const chance = (p: number) => next() < p;
  /** Up to n distinct items of the list. */
  const some = <T>(list: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(list)))];
  return { next, int, pick, chance, some };
}

const DAY = 86_400_000;
const msOf = (date: string) => Date.parse(`${date}T00:00:00.000Z`);
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function businessDaysBetween(from: number, to: number): number {
  let n = 0;
  for (let t = from + DAY; t <= to; t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n += 1;
  }
  return n;
}

/** The shape of one generated history. */
export interface Shape {
  seed: number;
  cases: number;
  engagements: number;
  consultants: number;
  /** Where cases come from (states, DC, territories). */
  codes: string[];
  /** Jurisdictions an engagement may list besides its case's own. */
  extraCodes: string[];
  /** Jurisdictions listed only by scheduled or cancelled engagements: never served. */
  neverServedCodes?: string[];
  /** Share of engagements that list extra jurisdictions. */
  multi: number;
  cancelled: number;
  scheduled: number;
  /** Cases are submitted from this day to `now`. */
  from: string;
  /** The fixed instant the history ends; open cases' ages are measured from it. */
  now: string;
  /** Dates that some delivered engagements are pinned to (period boundaries). */
  pinnedDates?: string[];
  /** Instants that some cases are submitted at (period boundaries). */
  pinnedSubmitted?: string[];
  /** Lags (ms) from submission to assignment and to first engagement, instead of random ones. */
  lags?: number[];
}

interface Generated {
  consultantIds: number[];
  topicSlugs: string[];
  cases: number;
  engagements: number;
}

const TRACK_KEYS = ['ta', 'network', 'cohort'];
const FORMAT_KEYS = ['one_on_one', 'small_group', 'online_training'];
const OPEN = ['new', 'assigned', 'in_progress', 'on_hold'];
const CLOSED = ['completed', 'declined', 'withdrawn'];
// Durations that are not whole tenths of an hour, so that rounding the hours matters.
const DURATIONS = [15, 20, 25, 30, 45, 50, 60, 75, 90, 100, 120, 135, 180, 240];

/** Writes a generated history (consultants, cases, engagements and their lists) into an empty database. */
export async function generateReportData(knex: Knex, s: Shape): Promise<Generated> {
  const r = prng(s.seed);
  const now = Date.parse(s.now);
  const start = msOf(s.from);
  const at = new Date(now).toISOString();
  const topics: { id: number; slug: string }[] = (await knex('topics').select('id', 'slug')).map((t: { id: unknown; slug: string }) => ({
    id: Number(t.id),
    slug: t.slug,
  }));

  const consultantIds: number[] = [];
  for (let i = 0; i < s.consultants; i += 1) {
    const [row] = await knex('users')
      .insert({
        email: `recount${s.seed}.${i}@leep.test`,
        name: `Recount ${String.fromCharCode(65 + (i % 26))}. Consultant ${i + 1}`,
        role: 'consultant',
        password_hash: null,
        active: true,
        capacity: 5,
        created_at: at,
        updated_at: at,
      })
      .returning('id');
    consultantIds.push(Number(typeof row === 'object' ? row.id : row));
  }

  interface PlannedCase {
    id: number;
    submitted: number;
    assigned: number | null;
    lead: number | null;
    supporters: number[];
    code: string;
    status: string;
  }
  const cases: Record<string, unknown>[] = [];
  const planned: PlannedCase[] = [];
  const caseTopics: Record<string, unknown>[] = [];
  const supporters: Record<string, unknown>[] = [];
  for (let i = 0; i < s.cases; i += 1) {
    const id = i + 1;
    let status = r.chance(0.35) ? r.pick(OPEN) : r.pick(CLOSED);
    let submitted = start + Math.floor(r.next() * (now - start));
    // Some open cases are recent, half a day away from the age bands' edges (7, 28, 91, 365 days).
    if (OPEN.includes(status) && r.chance(0.6)) submitted = now - (r.int(0, 420) + 0.5) * DAY;
    if (s.pinnedSubmitted && r.chance(0.25)) submitted = Date.parse(r.pick(s.pinnedSubmitted));
    if (submitted > now) submitted = now - DAY;
    const lag = () => (s.lags ? r.pick(s.lags) : r.int(1, 20 * 24 * 60) * 60_000 + r.int(0, 59_999));
    const assigned = status === 'new' || (status === 'declined' && r.chance(0.7)) ? null : Math.min(submitted + lag(), now);
    if (assigned === null && status !== 'new' && status !== 'declined') status = 'new';
    const lead = assigned === null ? null : r.pick(consultantIds);
    const support = lead === null ? [] : r.some(consultantIds, r.int(0, 2)).filter((u) => u !== lead);
    const code = r.pick(s.codes);
    const track = r.pick(TRACK_KEYS);
    const closed = CLOSED.includes(status) ? Math.min(now, submitted + r.int(5, 300) * DAY) : null;
    cases.push({
      id,
      reference: `RC-${s.seed % 1000}-${String(id).padStart(5, '0')}`,
      track,
      status,
      priority: r.chance(0.2) ? 'high' : 'normal',
      source: r.pick(['web_form', 'staff', 'import', 'api']),
      jurisdiction_code: code,
      requester_name: `Requester ${id}`,
      requester_email: `requester${id}@board.example.gov`,
      requester_phone: null,
      requester_title: 'Board member',
      organization_type: 'state_board',
      organization_name: `Board of ${code}`,
      preferred_format: r.pick([...FORMAT_KEYS, 'no_preference']),
      title: `Generated request ${id}`,
      needs: 'Generated for the report tests.',
      outcomes: null,
      preferred_start: null,
      deadline: null,
      expected_participants: r.int(1, 30),
      lead_consultant_id: lead,
      closing_summary: null,
      closing_reason: null,
      status_token_hash: crypto.createHash('sha256').update(`recount-${s.seed}-${id}`).digest('hex'),
      idempotency_key: null,
      request_hash: null,
      submitted_at: new Date(submitted).toISOString(),
      first_assigned_at: assigned === null ? null : new Date(assigned).toISOString(),
      assignment_business_days: assigned === null ? null : businessDaysBetween(submitted, assigned),
      first_engagement_at: null,
      closed_at: closed === null ? null : new Date(closed).toISOString(),
      created_at: new Date(submitted).toISOString(),
      updated_at: new Date(closed ?? assigned ?? submitted).toISOString(),
    });
    for (const t of r.some(topics, r.int(1, 3))) caseTopics.push({ case_id: id, topic_id: t.id });
    for (const u of support) supporters.push({ case_id: id, user_id: u });
    planned.push({ id, submitted, assigned, lead, supporters: support, code, status });
  }

  const withLead = planned.filter((p) => p.assigned !== null);
  const engagements: Record<string, unknown>[] = [];
  const engConsultants: Record<string, unknown>[] = [];
  const engJurisdictions: Record<string, unknown>[] = [];
  const engTopics: Record<string, unknown>[] = [];
  const firstDelivered = new Map<number, number>();
  for (let k = 0; k < s.engagements && withLead.length; k += 1) {
    const id = k + 1;
    const p = r.pick(withLead);
    const roll = r.next();
    const status = roll < s.cancelled ? 'cancelled' : roll < s.cancelled + s.scheduled ? 'scheduled' : 'delivered';
    let when: number;
    if (status === 'scheduled') when = now + r.int(-30, 90) * DAY;
    else when = Math.min(now, (p.assigned as number) + r.int(0, 500) * DAY + r.int(0, DAY - 1));
    let date = dateOf(when);
    if (status === 'delivered' && s.pinnedDates && r.chance(0.2)) date = r.pick(s.pinnedDates);
    const [y, m] = date.split('-').map(Number);
    const format = r.pick(FORMAT_KEYS);
    engagements.push({
      id,
      case_id: p.id,
      date,
      start_time: r.chance(0.7) ? `${String(r.int(8, 17)).padStart(2, '0')}:${r.pick(['00', '15', '30', '45'])}` : null,
      year: y,
      month: m,
      duration_minutes: r.pick(DURATIONS),
      format,
      status,
      participant_count: format === 'one_on_one' ? r.int(0, 3) : r.int(2, 45),
      summary: status === 'delivered' ? 'Generated.' : null,
      follow_up_actions: null,
      follow_up_date: null,
      created_by: p.lead,
      created_at: at,
      updated_at: at,
    });
    const codes = new Set([p.code]);
    if (r.chance(s.multi)) for (const c of r.some(s.extraCodes, r.int(1, 4))) codes.add(c);
    if (status !== 'delivered' && s.neverServedCodes?.length && r.chance(0.5)) codes.add(r.pick(s.neverServedCodes));
    for (const c of codes) engJurisdictions.push({ engagement_id: id, jurisdiction_code: c, status, date, year: y });
    // Most engagements list the lead, some also supporters or another consultant, a few nobody.
    const people = new Set<number>();
    if (r.chance(0.95)) people.add(p.lead as number);
    for (const u of p.supporters) if (r.chance(0.5)) people.add(u);
    if (r.chance(0.15)) people.add(r.pick(consultantIds));
    for (const u of people) engConsultants.push({ engagement_id: id, user_id: u });
    for (const t of r.some(topics, r.int(0, 3))) engTopics.push({ engagement_id: id, topic_id: t.id });
    if (status === 'delivered') {
      const ms = msOf(date);
      if (!firstDelivered.has(p.id) || ms < (firstDelivered.get(p.id) as number)) firstDelivered.set(p.id, ms);
    }
  }
  for (const c of cases) {
    const p = planned[(c.id as number) - 1];
    if (!firstDelivered.has(p.id)) continue;
    // With fixed lags the first engagement is exactly that far from submission, to test rounding.
    const first = s.lags
      ? p.submitted + r.pick(s.lags)
      : Math.max(p.submitted + 60_000, (firstDelivered.get(p.id) as number) + 15 * 3_600_000);
    c.first_engagement_at = new Date(first).toISOString();
  }

  await insertMany(knex, 'cases', cases);
  await insertMany(knex, 'case_topics', caseTopics);
  await insertMany(knex, 'case_supporters', supporters);
  await insertMany(knex, 'engagements', engagements);
  await insertMany(knex, 'engagement_consultants', engConsultants);
  await insertMany(knex, 'engagement_jurisdictions', engJurisdictions);
  await insertMany(knex, 'engagement_topics', engTopics);
  for (const table of ['cases', 'engagements']) await resetIdSequence(knex, table);
  // Written around the app, as an old database restored or imported by hand: the roll-ups are rebuilt, as `reports:rebuild` does.
  await knex.transaction((trx) => rebuildRollups(trx));
  return { consultantIds, topicSlugs: topics.map((t) => t.slug), cases: cases.length, engagements: engagements.length };
}

// ---------------------------------------------------------------------------------------------
// The raw rows, loaded into JavaScript.

export interface RawCase {
  id: number;
  reference: string;
  track: string;
  status: string;
  jurisdiction_code: string;
  submitted: number;
  assigned: number | null;
  engaged: number | null;
  businessDays: number | null;
  lead: number | null;
  supporters: number[];
  topics: string[];
}

export interface RawEngagement {
  id: number;
  case_id: number;
  date: string;
  start_time: string | null;
  status: string;
  format: string;
  minutes: number;
  participants: number;
  jurisdictions: string[];
  consultants: number[];
  topics: string[];
}

export interface Raw {
  jurisdictions: { code: string; name: string; kind: string }[];
  topics: { id: number; slug: string; name: string }[];
  users: Map<number, string>;
  cases: RawCase[];
  engagements: RawEngagement[];
  caseById: Map<number, RawCase>;
}

const ms = (v: unknown): number | null => (v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Date.parse(String(v)));

/** Every row the reports read, as plain JavaScript values. */
export async function loadRaw(knex: Knex): Promise<Raw> {
  const [jurisdictions, topics, users, cases, caseTopics, supporters, engagements, ej, ec, et] = await Promise.all([
    knex('jurisdictions').select('code', 'name', 'kind'),
    knex('topics').select('id', 'slug', 'name'),
    knex('users').select('id', 'name'),
    knex('cases').select('*'),
    knex('case_topics').select('*'),
    knex('case_supporters').select('*'),
    knex('engagements').select('*'),
    knex('engagement_jurisdictions').select('*'),
    knex('engagement_consultants').select('*'),
    knex('engagement_topics').select('*'),
  ]);
  const slugOf = new Map(topics.map((t: Record<string, unknown>) => [Number(t.id), String(t.slug)]));
  const group = <T>(rows: Record<string, unknown>[], key: string, value: (r: Record<string, unknown>) => T) => {
    const out = new Map<number, T[]>();
    for (const row of rows) {
      const k = Number(row[key]);
      if (!out.has(k)) out.set(k, []);
      (out.get(k) as T[]).push(value(row));
    }
    return out;
  };
  const topicsOfCase = group(caseTopics, 'case_id', (r) => slugOf.get(Number(r.topic_id)) as string);
  const supportersOf = group(supporters, 'case_id', (r) => Number(r.user_id));
  const codesOf = group(ej, 'engagement_id', (r) => String(r.jurisdiction_code));
  const consultantsOf = group(ec, 'engagement_id', (r) => Number(r.user_id));
  const topicsOfEngagement = group(et, 'engagement_id', (r) => slugOf.get(Number(r.topic_id)) as string);
  const rawCases: RawCase[] = cases.map((c: Record<string, unknown>) => ({
    id: Number(c.id),
    reference: String(c.reference),
    track: String(c.track),
    status: String(c.status),
    jurisdiction_code: String(c.jurisdiction_code),
    submitted: ms(c.submitted_at) as number,
    assigned: ms(c.first_assigned_at),
    engaged: ms(c.first_engagement_at),
    businessDays:
      c.assignment_business_days === null || c.assignment_business_days === undefined ? null : Number(c.assignment_business_days),
    lead: c.lead_consultant_id === null || c.lead_consultant_id === undefined ? null : Number(c.lead_consultant_id),
    supporters: supportersOf.get(Number(c.id)) ?? [],
    topics: topicsOfCase.get(Number(c.id)) ?? [],
  }));
  return {
    jurisdictions: jurisdictions.map((j: Record<string, unknown>) => ({
      code: String(j.code),
      name: String(j.name),
      kind: String(j.kind),
    })),
    topics: topics.map((t: Record<string, unknown>) => ({ id: Number(t.id), slug: String(t.slug), name: String(t.name) })),
    users: new Map(users.map((u: Record<string, unknown>) => [Number(u.id), String(u.name)])),
    cases: rawCases,
    caseById: new Map(rawCases.map((c) => [c.id, c])),
    engagements: engagements.map((e: Record<string, unknown>) => ({
      id: Number(e.id),
      case_id: Number(e.case_id),
      date: String(e.date),
      start_time: e.start_time === null || e.start_time === undefined ? null : String(e.start_time),
      status: String(e.status),
      format: String(e.format),
      minutes: Number(e.duration_minutes),
      participants: Number(e.participant_count),
      jurisdictions: codesOf.get(Number(e.id)) ?? [],
      consultants: consultantsOf.get(Number(e.id)) ?? [],
      topics: topicsOfEngagement.get(Number(e.id)) ?? [],
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The recount, by the definitions.

/** Hours from minutes, rounded to 0.1 as the dashboard shows them. */
export const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const daysOf = (msValue: number) => Math.round((msValue / DAY) * 10) / 10;

/**
 * Delivered engagements dated in the period that match the engagement filters: track (the
 * case's), format, and topic, consultant and jurisdiction that the engagement lists.
 */
export function deliveredIn(raw: Raw, f: ReportFilters): RawEngagement[] {
  return raw.engagements.filter(
    (e) =>
      e.status === 'delivered' &&
      e.date >= f.from &&
      e.date <= f.to &&
      (!f.track || raw.caseById.get(e.case_id)?.track === f.track) &&
      (!f.format || e.format === f.format) &&
      (!f.topic || e.topics.includes(f.topic)) &&
      (!f.consultant || e.consultants.includes(f.consultant)) &&
      (!f.jurisdiction || e.jurisdictions.includes(f.jurisdiction)),
  );
}

/** The calendar day of an instant in a time zone (UTC when none is given). */
function dayIn(ms: number, zone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/**
 * Cases submitted in the period under the case filters. The period's days are days of
 * `submitted_at` in the filters' time zone (the program's, when the filters come from a page).
 */
export function casesIn(raw: Raw, f: ReportFilters, options: { period: boolean } = { period: true }): RawCase[] {
  return raw.cases.filter((c) => {
    const day = dayIn(new Date(c.submitted).getTime(), f.timeZone);
    return (
      (!options.period || (day >= f.from && day <= f.to)) &&
      (!f.track || c.track === f.track) &&
      (!f.jurisdiction || c.jurisdiction_code === f.jurisdiction) &&
      (!f.topic || c.topics.includes(f.topic)) &&
      (!f.consultant || c.lead === f.consultant || c.supporters.includes(f.consultant))
    );
  });
}

interface Sums {
  engagements: number;
  hours: number;
  participants: number;
}

function sum(list: RawEngagement[]): Sums {
  return {
    engagements: list.length,
    hours: hours(list.reduce((a, e) => a + e.minutes, 0)),
    participants: list.reduce((a, e) => a + e.participants, 0),
  };
}

interface CoverageFigure extends Sums {
  code: string;
  first_served: string;
  last_served: string;
}

/** Served jurisdictions (sorted by code) with first and last served date and their sums. */
export function recountCoverage(raw: Raw, f: ReportFilters): CoverageFigure[] {
  const { jurisdiction, ...rest } = f;
  const byCode = new Map<string, RawEngagement[]>();
  for (const e of deliveredIn(raw, rest)) {
    for (const code of e.jurisdictions) {
      if (jurisdiction && code !== jurisdiction) continue;
      if (!byCode.has(code)) byCode.set(code, []);
      (byCode.get(code) as RawEngagement[]).push(e);
    }
  }
  return [...byCode.entries()]
    .map(([code, list]) => {
      const dates = list.map((e) => e.date).sort();
      return { code, first_served: dates[0], last_served: dates[dates.length - 1], ...sum(list) };
    })
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

type Group = Sums & { key: string; label?: string };

function groupBy(list: RawEngagement[], keysOf: (e: RawEngagement) => string[], labelOf?: (key: string) => string): Group[] {
  const groups = new Map<string, RawEngagement[]>();
  for (const e of list) {
    for (const k of new Set(keysOf(e))) {
      if (!groups.has(k)) groups.set(k, []);
      (groups.get(k) as RawEngagement[]).push(e);
    }
  }
  return [...groups.entries()]
    .map(([key, rows]) => ({ key, ...(labelOf ? { label: labelOf(key) } : {}), ...sum(rows) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The value at a percentile by nearest rank: the ceil(p·n)-th smallest (p given as tenths). */
function nearestRank(values: number[], tenths: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((tenths * sorted.length) / 10));
  return sorted[rank - 1];
}

/** The age bands of open cases: under 7 days, 7-28, 28-91, 91-365, over 365. */
const AGE_BANDS = [
  { label: 'Under 1 week', days: 0 },
  { label: '1 to 4 weeks', days: 7 },
  { label: '1 to 3 months', days: 28 },
  { label: '3 to 12 months', days: 91 },
  { label: 'Over a year', days: 365 },
];

interface Recount {
  headline: {
    statesServed: number;
    statesTotal: number;
    territoriesServed: string[];
    newToLeep: number;
    engagements: number;
    hours: number;
    participants: number;
    openCases: number;
  };
  coverage: CoverageFigure[];
  /** States (50 + DC) served in the year, new to LEEP in it (first served ever), served so far by its end. */
  years: { year: number; served: number; newly: number; cumulative: number; engagements: number; hours: number; participants: number }[];
  /** Distinct totals of the engagements listing a state, a territory, a topic, a consultant. */
  distinct: { states: Sums; territories: Sums; topics: Sums; consultants: Sums };
  byTrack: Group[];
  byFormat: Group[];
  byTopic: Group[];
  byConsultant: Group[];
  response: {
    assignMedianDays: number | null;
    assignP90Days: number | null;
    assignedCount: number;
    firstMedianDays: number | null;
    firstP90Days: number | null;
    engagedCount: number;
    withinTarget: number;
    assigned: number;
    withinShare: number | null;
    assignmentUnknown: number;
    target: number;
  };
  openByAge: { label: string; count: number }[];
}

/** Every dashboard figure, recounted from the raw rows. */
export function recountDashboard(raw: Raw, f: ReportFilters, o: { target: number; now: Date }): Recount {
  const delivered = deliveredIn(raw, f);
  const coverage = recountCoverage(raw, f);
  const kindOf = new Map(raw.jurisdictions.map((j) => [j.code, j.kind]));
  const nameOf = new Map(raw.jurisdictions.map((j) => [j.code, j.name]));

  // First served ever: every delivered engagement from the first record, under the other filters.
  const isState = (code: string) => kindOf.get(code) !== 'territory';
  const firstEver = recountCoverage(raw, { ...f, from: '0000-01-01' })
    .filter((c) => isState(c.code))
    .map((c) => c.first_served);
  const years: Recount['years'] = [];
  const fromYear = Number(f.from.slice(0, 4));
  const toYear = Number(f.to.slice(0, 4));
  for (let year = fromYear; year <= toYear; year += 1) {
    const yFrom = year === fromYear ? f.from : `${year}-01-01`;
    const yTo = year === toYear ? f.to : `${year}-12-31`;
    const inYear = delivered.filter((e) => Number(e.date.slice(0, 4)) === year);
    const served = new Set(inYear.flatMap((e) => e.jurisdictions).filter((c) => isState(c) && (!f.jurisdiction || c === f.jurisdiction)));
    years.push({
      year,
      served: served.size,
      newly: firstEver.filter((d) => d >= yFrom && d <= yTo).length,
      cumulative: firstEver.filter((d) => d <= yTo).length,
      ...sum(inYear),
    });
  }
  const listing = (test: (e: RawEngagement) => boolean) => sum(delivered.filter(test));
  const jurisdictionsOf = (e: RawEngagement) => e.jurisdictions.filter((c) => !f.jurisdiction || c === f.jurisdiction);
  const distinct = {
    states: listing((e) => jurisdictionsOf(e).some(isState)),
    territories: listing((e) => jurisdictionsOf(e).some((c) => !isState(c))),
    topics: listing((e) => e.topics.length > 0),
    consultants: listing((e) => e.consultants.length > 0),
  };

  const inPeriod = casesIn(raw, f);
  const assignedCases = inPeriod.filter((c) => c.assigned !== null);
  const engagedCases = inPeriod.filter((c) => c.engaged !== null);
  // A time never goes below zero.
  const assignLags = assignedCases.map((c) => Math.max(0, (c.assigned as number) - c.submitted));
  const firstLags = engagedCases.map((c) => Math.max(0, (c.engaged as number) - c.submitted));
  const within = assignedCases.filter((c) => c.businessDays !== null && c.businessDays <= o.target).length;
  const d = (v: number | null) => (v === null ? null : daysOf(v));

  const open = casesIn(raw, f, { period: false }).filter((c) => OPEN.includes(c.status));
  const openByAge = AGE_BANDS.map((band, i) => {
    const next = AGE_BANDS[i + 1];
    const count = open.filter((c) => {
      const age = o.now.getTime() - c.submitted;
      return (band.days === 0 || age > band.days * DAY) && (!next || age <= next.days * DAY);
    }).length;
    return { label: band.label, count };
  });

  const topicName = new Map(raw.topics.map((t) => [t.slug, t.name]));
  const total = sum(delivered);
  return {
    headline: {
      statesServed: coverage.filter((c) => kindOf.get(c.code) !== 'territory').length,
      statesTotal: raw.jurisdictions.filter((j) => j.kind !== 'territory').length,
      territoriesServed: coverage
        .filter((c) => kindOf.get(c.code) === 'territory')
        .map((c) => nameOf.get(c.code) as string)
        .sort(),
      newToLeep: firstEver.filter((d) => d >= f.from && d <= f.to).length,
      engagements: total.engagements,
      hours: total.hours,
      participants: total.participants,
      openCases: open.length,
    },
    coverage,
    years,
    distinct,
    byTrack: groupBy(delivered, (e) => [raw.caseById.get(e.case_id)?.track as string]),
    byFormat: groupBy(delivered, (e) => [e.format]),
    byTopic: groupBy(
      delivered,
      (e) => e.topics,
      (k) => topicName.get(k) ?? k,
    ),
    byConsultant: groupBy(
      delivered,
      (e) => e.consultants.map(String),
      (k) => raw.users.get(Number(k)) ?? k,
    ),
    response: {
      assignMedianDays: d(nearestRank(assignLags, 5)),
      assignP90Days: d(nearestRank(assignLags, 9)),
      assignedCount: assignedCases.length,
      firstMedianDays: d(nearestRank(firstLags, 5)),
      firstP90Days: d(nearestRank(firstLags, 9)),
      engagedCount: engagedCases.length,
      withinTarget: within,
      assigned: assignedCases.length,
      withinShare: assignedCases.length ? Math.round((within / assignedCases.length) * 1000) / 10 : null,
      assignmentUnknown: inPeriod.filter((c) => c.assigned === null && c.lead !== null).length,
      target: o.target,
    },
    openByAge,
  };
}

type Figures = Awaited<ReturnType<typeof import('../../server/services/report.service').dashboardFigures>>;

/** The application's figures in the recount's shape (groups sorted by key), to compare whole. */
export function projectFigures(fig: Figures): Recount {
  const groups = (
    rows: { key: string; label?: string; engagements: number; hours: number; participants: number }[],
    withLabel: boolean,
  ): Group[] =>
    rows
      .map((r) => ({
        key: r.key,
        ...(withLabel ? { label: r.label } : {}),
        engagements: r.engagements,
        hours: r.hours,
        participants: r.participants,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    headline: { ...fig.headline, territoriesServed: [...fig.headline.territoriesServed].sort() },
    coverage: [...fig.states, ...fig.territories]
      .filter((j) => j.served)
      .map((j) => {
        const s = j.served as NonNullable<typeof j.served>;
        return {
          code: j.code,
          first_served: s.first_served,
          last_served: s.last_served,
          engagements: s.engagements,
          hours: s.hours,
          participants: s.participants,
        };
      })
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
    years: fig.years.map((y) => ({
      year: y.year,
      served: y.served,
      newly: y.newly,
      cumulative: y.cumulative,
      engagements: y.engagements,
      hours: y.hours,
      participants: y.participants,
    })),
    distinct: Object.fromEntries(
      Object.entries(fig.distinct).map(([k, v]) => [k, { engagements: v.engagements, hours: v.hours, participants: v.participants }]),
    ) as Recount['distinct'],
    byTrack: groups(fig.byTrack, false),
    byFormat: groups(fig.byFormat, false),
    byTopic: groups(fig.byTopic, true),
    byConsultant: groups(fig.byConsultant, true),
    response: { ...fig.response },
    openByAge: fig.openByAge.map((b) => ({ label: b.label, count: b.count })),
  };
}

/** One jurisdiction's history, recounted: served dates and sums over every delivered engagement listing it. */
export function recountState(raw: Raw, code: string) {
  const listing = raw.engagements
    .filter((e) => e.jurisdictions.includes(code))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const delivered = listing.filter((e) => e.status === 'delivered');
  const dates = delivered.map((e) => e.date).sort();
  const consultants = new Map<number, number>();
  for (const e of delivered) for (const u of e.consultants) consultants.set(u, (consultants.get(u) ?? 0) + 1);
  return {
    served: delivered.length ? { first: dates[0], last: dates[dates.length - 1] } : undefined,
    totals: sum(delivered),
    engagements: listing,
    cases: raw.cases.filter((c) => c.jurisdiction_code === code).sort((a, b) => a.submitted - b.submitted),
    consultants,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading what the pages and exports show.

/** A calendar date as the views write it ("Jul 1, 2019"). */
export function calendarDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
}

const number = (text: string) => Number(text.replace(/,/g, ''));
const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`' })[e] as string,
  );

interface ShownRow {
  code: string;
  served: boolean;
  first: string;
  last: string;
  engagements: number;
  hours: number;
  participants: number;
}

/** The headline figures and the coverage rows (states and territories) the dashboard shows. */
export function readDashboard(html: string) {
  const states = /<a href="#coverage">([\d,]+)<\/a> <span class="headline__of">of ([\d,]+)<\/span>/.exec(html);
  const engagements =
    /<p class="headline__figure"><a href="[^"]*">([\d,]+)<\/a><\/p>\s*<p class="headline__label">delivered engagements<\/p>/.exec(html);
  const note = /<p class="headline__note">([\d,.]+) hours, ([\d,]+) participants<\/p>/.exec(html);
  const open = /<p class="headline__figure"><a href="[^"]*">([\d,]+)<\/a><\/p>\s*<p class="headline__label">open cases now<\/p>/.exec(html);
  if (!states || !engagements || !note || !open) throw new Error('the dashboard does not show its headline figures');
  const rows: ShownRow[] = [];
  const row =
    /<tr[^>]*>\s*<th scope="row"(?: data-label="[^"]*")?><a href="\/states\/([A-Z]{2})">[^<]*<\/a><\/th>\s*<td(?: data-label="[^"]*")?>(Yes|No)<\/td>\s*<td(?: data-label="[^"]*")?>([^<]*)<\/td>\s*<td(?: data-label="[^"]*")?>([^<]*)<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">(?:<a [^>]*>)?([\d,]+)(?:<\/a>)?<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">([\d,.]+)<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">([\d,]+)<\/td>\s*<\/tr>/g;
  for (const m of html.matchAll(row)) {
    rows.push({
      code: m[1],
      served: m[2] === 'Yes',
      first: m[3],
      last: m[4],
      engagements: number(m[5]),
      hours: number(m[6]),
      participants: number(m[7]),
    });
  }
  const years = [
    ...html.matchAll(
      /<tr><th scope="row"(?: data-label="[^"]*")?>(\d{4})<\/th><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right"><a href="[^"]*">([\d,]+)<\/a><\/td>/g,
    ),
  ].map((m) => ({
    year: Number(m[1]),
    served: Number(m[2]),
    newly: Number(m[3]),
    cumulative: Number(m[4]),
    engagements: number(m[5]),
  }));
  const newToLeep = /<p class="headline__note">(\d+) new to LEEP in the period/.exec(html);
  const total = (label: string) => {
    const m = new RegExp(
      `<tfoot><tr><th scope="row">${label}</th>(?:<td></td>)*<td class="text-right">([\\d,]+)</td><td class="text-right">([\\d,.]+)</td><td class="text-right">([\\d,]+)</td></tr></tfoot>`,
    ).exec(html);
    return m ? { engagements: number(m[1]), hours: number(m[2]), participants: number(m[3]) } : undefined;
  };
  return {
    statesServed: number(states[1]),
    statesTotal: number(states[2]),
    engagements: number(engagements[1]),
    hours: number(note[1]),
    participants: number(note[2]),
    openCases: number(open[1]),
    newToLeep: newToLeep ? Number(newToLeep[1]) : undefined,
    totals: {
      states: total('All states and DC \\(each engagement once\\)'),
      territories: total('All territories \\(each engagement once\\)'),
      topics: total('Engagements with a topic \\(each once\\)'),
      consultants: total('Engagements with a consultant \\(each once\\)'),
    },
    rows,
    years,
  };
}

/** What a recount says the coverage rows should show, for every jurisdiction. */
export function expectedRows(raw: Raw, coverage: CoverageFigure[]): ShownRow[] {
  const byCode = new Map(coverage.map((c) => [c.code, c]));
  return raw.jurisdictions.map((j) => {
    const c = byCode.get(j.code);
    return c
      ? {
          code: j.code,
          served: true,
          first: calendarDate(c.first_served),
          last: calendarDate(c.last_served),
          engagements: c.engagements,
          hours: c.hours,
          participants: c.participants,
        }
      : { code: j.code, served: false, first: '', last: '', engagements: 0, hours: 0, participants: 0 };
  });
}

/** The state page: served dates, the three totals, and its engagement and case rows. */
export function readStatePage(html: string) {
  const served = /Served from ([^<]+?) to ([^<]+?)<\/p>/.exec(html);
  const figures = [...html.matchAll(/<p class="headline__figure">([\d,.]+)<\/p>/g)].map((m) => number(m[1]));
  const engagements = [
    ...html.matchAll(
      /<tr><th scope="row" data-label="Date">([^<]*)<\/th><td data-label="Case"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td><td data-label="Program">[^<]*<\/td><td data-label="Format">[^<]*<\/td><td data-label="Status">([^<]*)<\/td><td data-label="States">([^<]*)<\/td><td data-label="Consultants">[^<]*<\/td><td data-label="Hours" class="text-right">([\d.]+)<\/td><td data-label="Participants" class="text-right">(\d+)<\/td><\/tr>/g,
    ),
  ].map((m) => ({
    date: m[1],
    caseId: Number(m[2]),
    reference: decode(m[3]),
    status: m[4],
    jurisdictions: decode(m[5]),
    hours: Number(m[6]),
    participants: Number(m[7]),
  }));
  const cases = [...html.matchAll(/<td data-label="Reference"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td>/g)].map((m) => ({
    id: Number(m[1]),
    reference: decode(m[2]),
  }));
  return {
    served: served ? { first: served[1], last: served[2] } : undefined,
    notServed: html.includes('Not served yet'),
    totals: { engagements: figures[0], hours: figures[1], participants: figures[2] },
    engagements,
    cases,
  };
}

/** The rows of the delivered-engagements list page, its total and its page count. */
export function readEngagementList(html: string) {
  const total = /<p>([\d,]+) engagements · /.exec(html);
  const page = /Page (\d+) of (\d+)/.exec(html);
  const rows = [
    ...html.matchAll(
      /<tr><th scope="row" data-label="Date">([^<]*)<\/th><td data-label="Case"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td>/g,
    ),
  ].map((m) => ({ date: m[1], caseId: Number(m[2]), reference: decode(m[3]) }));
  const next = /<a href="([^"]+)" class="usa-pagination__link usa-pagination__next-page">/.exec(html);
  return {
    total: total ? number(total[1]) : undefined,
    page: page ? Number(page[1]) : undefined,
    pages: page ? Number(page[2]) : undefined,
    rows,
    nextHref: next ? decode(next[1]) : undefined,
  };
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}

/** A CSV answer's text (supertest leaves text/csv as a string; the BOM is kept). */
export function csvBody(res: { text?: string; body?: unknown }): string {
  if (typeof res.text === 'string' && res.text.length) return res.text;
  if (Buffer.isBuffer(res.body)) return res.body.toString('utf8');
  return '';
}

/** A SHA-256 digest of every row of some tables, in id order, timestamps as ISO strings. */
export async function digestTables(knex: Knex, tables: { name: string; orderBy: string[] }[]): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const t of tables) {
    const rows = await knex(t.name).select('*').orderBy(t.orderBy);
    hash.update(`${t.name}:${rows.length}\n`);
    for (const row of rows as Record<string, unknown>[]) {
      const normal = Object.keys(row)
        .sort()
        .map((k) => [k, row[k] instanceof Date ? row[k].toISOString() : row[k] === null ? null : String(row[k])]);
      hash.update(`${JSON.stringify(normal)}\n`);
    }
  }
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The first delivered engagement, recounted from the engagements (not from the case's column).

/** A local wall-clock time as an instant, found by trying every quarter-hour offset: no zone arithmetic shared with the app. */
export function instantIn(date: string, time: string, zone: string): number {
  const wall = `${date} ${time}`;
  const fmt = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (let q = -56; q <= 56; q += 1) {
    const t = Date.parse(`${date}T${time}:00Z`) - q * 15 * 60_000;
    if (fmt.format(t) === wall) return t;
  }
  throw new Error(`no instant for ${wall} in ${zone}`);
}

/**
 * The raw rows with each case's first engagement recounted by PRODUCT.md's definition: the
 * earliest engagement delivered now, at its start time (midday when it has none) in the zone.
 */
export function withDerivedFirstEngagements(raw: Raw, zone: string): Raw {
  const first = new Map<number, number>();
  for (const e of raw.engagements) {
    if (e.status !== 'delivered') continue;
    const t = instantIn(e.date, e.start_time ?? '12:00', zone);
    if (!first.has(e.case_id) || t < (first.get(e.case_id) as number)) first.set(e.case_id, t);
  }
  const cases = raw.cases.map((c) => ({ ...c, engaged: first.get(c.id) ?? null }));
  return { ...raw, cases, caseById: new Map(cases.map((c) => [c.id, c])) };
}
