// Factories and readers for the engagement tests: cases with consultants on them, engagement
// forms as a browser posts them, and snapshots of everything an engagement can write.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { Knex } from 'knex';
import ical from 'node-ical';
import type request from 'supertest';
import type { Config } from '../../server/config';
import { db } from '../../server/db';
import { assignConsultants } from '../../server/services/case-assignment.service';
import { editCase } from '../../server/services/case-edit.service';
import { createEngagement } from '../../server/services/engagement.service';
import { submitRequest } from '../../server/services/request.service';
import { addDays, todayIn } from '../../server/services/time';
import { encodeForm } from './app';
import { Agent, TestUser, makeUser, signInAs } from './auth';
import { requestPayload } from './factories';

export const ZONE = 'America/New_York';

/** Today in the program's time zone, and a day counted from it. */
export const today = (): string => todayIn(ZONE);
export const daysFromToday = (days: number): string => addDays(todayIn(ZONE), days);

export interface TestCase {
  id: number;
  reference: string;
  /** The requester's private status page, e.g. `/status/abc…`. */
  statusPath: string;
}

/**
 * A case submitted as a requester would, then (when a lead is given) assigned by a director, so
 * that it is `assigned` with the lead and supporting consultants on it.
 */
export async function makeCase(
  config: Readonly<Config>,
  options: {
    lead?: TestUser;
    supporters?: TestUser[];
    director?: TestUser;
    jurisdiction?: string;
    title?: string;
    submittedDaysAgo?: number;
  } = {},
): Promise<TestCase> {
  const result = await submitRequest(
    requestPayload({ jurisdiction: options.jurisdiction ?? 'OH', ...(options.title ? { title: options.title } : {}) }),
    {
      source: 'api',
      secret: config.secret,
      timeZone: config.timeZone,
    },
  );
  if (result.kind === 'honeypot') throw new Error('the test request was taken for a bot');
  // Submitted some time ago (400 days unless told), so that delivered engagements in the recent
  // past come after the request, as the engagement rules require.
  const ago = options.submittedDaysAgo ?? 400;
  if (ago)
    await db('cases')
      .where({ id: result.caseId })
      .update({ submitted_at: new Date(Date.now() - ago * 86_400_000).toISOString() });
  if (options.lead) {
    const director = options.director ?? (await makeUser({ role: 'director' }));
    await assignConsultants(
      result.caseId,
      { lead_consultant_id: options.lead.id, supporting_ids: (options.supporters ?? []).map((u) => u.id) },
      { id: director.id, role: 'director' },
    );
  }
  return { id: result.caseId, reference: result.reference, statusPath: `/status/${'token' in result ? result.token : ''}` };
}

export type Fields = Record<string, string | string[] | undefined>;

/** A valid engagement form (scheduled, a week ahead, 10:00 for 60 minutes in Ohio); override any field. */
export function engagementForm(consultants: { id: number }[], overrides: Fields = {}): Fields {
  return {
    status: 'scheduled',
    date: daysFromToday(7),
    start_time: '10:00',
    duration_minutes: '60',
    format: 'small_group',
    consultant_ids: consultants.map((c) => String(c.id)),
    participant_count: '3',
    jurisdictions: ['OH'],
    attendees: '',
    topics: ['equity-lens'],
    summary: '',
    follow_up_actions: '',
    follow_up_date: '',
    ...overrides,
  };
}

export type StaffAgent = Agent & { token: string };

/** An agent signed in as the user, with a CSRF token for its posts. */
export async function staffAgent(app: Express, user: TestUser): Promise<StaffAgent> {
  const agent = (await signInAs(app, user)) as Agent & { csrf: (page?: string) => Promise<string>; token: string };
  agent.token = await agent.csrf('/my-work');
  return agent;
}

/** Posts a form as a browser does (repeated names for lists), with the agent's CSRF token. */
export function postForm(agent: StaffAgent, path: string, fields: Fields = {}): Promise<request.Response> {
  return agent
    .post(path)
    .type('form')
    .send(encodeForm({ ...fields, _csrf: agent.token }));
}

/** Adds an engagement through the form; asserts it was saved and returns its id. */
export async function addEngagement(knex: Knex, agent: StaffAgent, caseId: number, fields: Fields): Promise<number> {
  const before = await knex('engagements').max({ id: 'id' }).first();
  const res = await postForm(agent, `/cases/${caseId}/engagements`, fields);
  assert.equal(res.status, 303, `the engagement was not saved: ${res.text.slice(0, 2000)}`);
  const row = await knex('engagements')
    .where('case_id', caseId)
    .andWhere('id', '>', Number(before?.id ?? 0))
    .orderBy('id', 'desc')
    .first('id');
  assert.ok(row, 'no engagement row after a 303');
  return Number(row.id);
}

/** Adds an engagement through the service, as `actor`, without going through HTTP. */
export async function storeEngagement(caseId: number, actor: TestUser, payload: Record<string, unknown>): Promise<number> {
  return createEngagement(
    caseId,
    {
      status: 'scheduled',
      date: daysFromToday(7),
      duration_minutes: 60,
      format: 'small_group',
      consultant_ids: [actor.id],
      participant_count: 3,
      jurisdictions: ['OH'],
      ...payload,
    },
    { id: actor.id, role: actor.role },
    { timeZone: ZONE },
  );
}

const ENGAGEMENT_TABLES = [
  'engagements',
  'engagement_consultants',
  'engagement_jurisdictions',
  'engagement_topics',
  'engagement_attendees',
] as const;

async function rowsOf(knex: Knex, table: string): Promise<Record<string, unknown>[]> {
  const rows = await knex(table).select('*');
  // A stable order whatever the table's key, so that two snapshots compare row by row.
  return rows
    .map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Everything an engagement action can write: the engagement tables, the timeline and the cases. */
async function storedState(knex: Knex): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const table of [...ENGAGEMENT_TABLES, 'case_events', 'cases']) out[table] = await rowsOf(knex, table);
  return out;
}

/** Runs `act` and asserts that nothing an engagement touches was changed by it. */
export async function assertNothingStored<T>(knex: Knex, act: () => Promise<T>): Promise<T> {
  const before = await storedState(knex);
  const result = await act();
  const after = await storedState(knex);
  for (const table of Object.keys(before)) assert.deepEqual(after[table], before[table], `${table} changed`);
  return result;
}

interface TimelineEvent {
  id: number;
  kind: string;
  actor_user_id: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** A case's timeline (optionally only one kind of event), oldest first, with its JSON read. */
export async function eventsOf(knex: Knex, caseId: number, kind?: string): Promise<TimelineEvent[]> {
  const q = knex('case_events').where({ case_id: caseId }).orderBy('id');
  if (kind) q.andWhere({ kind });
  return (await q).map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    kind: String(r.kind),
    actor_user_id: r.actor_user_id === null ? null : Number(r.actor_user_id),
    before: r.before_json ? (JSON.parse(String(r.before_json)) as Record<string, unknown>) : null,
    after: r.after_json ? (JSON.parse(String(r.after_json)) as Record<string, unknown>) : null,
  }));
}

/** One case row, with the columns the engagement rules touch. */
export async function caseRow(knex: Knex, caseId: number): Promise<{ status: string; first_engagement_at: string | null }> {
  const row = await knex('cases').where({ id: caseId }).first('status', 'first_engagement_at');
  return {
    status: row.status,
    first_engagement_at: row.first_engagement_at === null ? null : new Date(row.first_engagement_at).toISOString(),
  };
}

/** The participant jurisdiction rows of an engagement, by code. */
export async function jurisdictionRows(
  knex: Knex,
  engagementId: number,
): Promise<{ jurisdiction_code: string; status: string; date: string; year: number }[]> {
  const rows = await knex('engagement_jurisdictions')
    .where({ engagement_id: engagementId })
    .orderBy('jurisdiction_code')
    .select('jurisdiction_code', 'status', 'date', 'year');
  return rows.map((r) => ({ jurisdiction_code: r.jurisdiction_code, status: r.status, date: r.date, year: Number(r.year) }));
}

/** The one VEVENT of an iCalendar text, read by node-ical. */
export function onlyEvent(text: string): ical.VEvent {
  const events = Object.values(ical.sync.parseICS(text)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
  assert.equal(events.length, 1, `expected one event in:\n${text}`);
  return events[0];
}

// ---------------------------------------------------------------------------------------------
// Readers for the re-rendered engagement form (no DOM: the markup comes from our own partials).

function decode(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#x([0-9a-f]+)|#(\d+)|amp|lt|gt|quot);/gi, (_m, ent: string, hex?: string, dec?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : named[ent.toLowerCase()],
  );
}

/** The text shown in the input or textarea with id `field-<name>`. */
export function fieldValue(html: string, name: string): string | undefined {
  const textarea = new RegExp(`<textarea\\b[^>]*\\sid="field-${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (textarea) return decode(textarea[1]);
  const input = (html.match(/<input\b[^>]*>/g) ?? []).find((t) => t.includes(` id="field-${name}"`));
  const m = input ? /\svalue="([^"]*)"/.exec(input) : null;
  return m ? decode(m[1]) : undefined;
}

/** The values of the checked radios or checkboxes named `name`, in page order. */
export function checked(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? [])
    .filter((t) => t.includes(` name="${name}"`) && /\schecked(?=[\s>])/.test(t))
    .map((t) => decode(/\svalue="([^"]*)"/.exec(t)?.[1] ?? ''));
}

/** The message shown next to a field, or undefined. */
export function errorNextTo(html: string, name: string): string | undefined {
  const m = new RegExp(`id="field-${name}-error"[^>]*>([^<]*)<`).exec(html);
  return m ? decode(m[1]) : undefined;
}

/** A director's edit of a case that moves it to another track and keeps every other field as it is. */
export async function changeCaseTrack(caseId: number, track: string, director: { id: number; role: 'director' }): Promise<void> {
  const c = await db('cases').where({ id: caseId }).first();
  const topics = (
    await db('case_topics as ct').join('topics as tp', 'tp.id', 'ct.topic_id').where('ct.case_id', caseId).select('tp.slug')
  ).map((r: { slug: string }) => r.slug);
  await editCase(
    caseId,
    {
      jurisdiction: c.jurisdiction_code,
      name: c.requester_name,
      email: c.requester_email,
      role: c.requester_title,
      organization_type: c.organization_type,
      organization_name: c.organization_name,
      topics,
      preferred_format: c.preferred_format,
      title: c.title,
      needs: c.needs,
      track,
    },
    director,
  );
}
