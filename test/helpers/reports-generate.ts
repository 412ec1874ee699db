// Generated report data, for the report and dashboard tests: the generator writes cases and
// engagements straight into the tables with knex (the recount is in reports-recount.ts).

import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertMany, resetIdSequence } from '../../server/db-sql';
import { rebuildRollups } from '../../server/queries/report-rollup.queries';

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

export const DAY = 86_400_000;
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
export const OPEN = ['new', 'assigned', 'in_progress', 'on_hold'];
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
