// The raw tables the reports read, loaded back into JavaScript for the recount (reports-recount.ts),
// without any of the application's queries.

import crypto from 'node:crypto';
import type { Knex } from 'knex';

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
