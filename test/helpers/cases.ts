// Factories and readers for the case workspace tests: cases made straight through the request
// service (fast, no HTTP), cases put into a given state, timelines read back, and a signed-in
// staff agent that posts forms with its CSRF token.
import type { Express } from 'express';
import type { Knex } from 'knex';
import type request from 'supertest';
import { nowIso } from '../../server/values';
import { noteEngagementChange } from '../../server/services/case.service';
import { submitRequest } from '../../server/services/request.service';
import type { CaseStatus, Source } from '../../server/vocabulary';
import { csrfTokenOf, encodeForm } from './app';
import { signInAs, TestUser } from './auth';
import { requestPayload } from './factories';

export interface TestCase {
  id: number;
  reference: string;
  /** The requester's private status page, `/status/<token>`. */
  statusPath: string;
}

interface CaseOptions {
  /** Request fields to override (the API's shape: `topics` as slugs, `jurisdiction` as a code). */
  payload?: Record<string, unknown>;
  source?: Source;
  /** Back-dates the submission (and creation) time. */
  submittedAt?: Date;
  /** Puts the case straight into this status (no timeline event: this is set-up, not a move). */
  status?: CaseStatus;
  leadId?: number;
  supporterIds?: number[];
  priority?: 'normal' | 'high';
}

let sequence = 0;

/** A unique word for this test run, to find one test's cases among the others in the database. */
export function marker(prefix = 'mk'): string {
  sequence += 1;
  return `${prefix}${process.pid}x${sequence}x${Math.floor(Math.random() * 1e6)}`;
}

/** A case made through the request service (as the form and API make it), then set up as asked. */
export async function makeCase(knex: Knex, options: CaseOptions = {}): Promise<TestCase> {
  const result = await submitRequest(requestPayload(options.payload), {
    source: options.source ?? 'api',
    secret: 'test-secret-for-case-factories',
    timeZone: 'America/New_York',
  });
  if (result.kind === 'honeypot') throw new Error('the factory payload filled the honeypot');
  const changes: Record<string, unknown> = {};
  if (options.submittedAt) {
    changes.submitted_at = nowIso(options.submittedAt);
    changes.created_at = nowIso(options.submittedAt);
  }
  if (options.status) changes.status = options.status;
  if (options.priority) changes.priority = options.priority;
  if (options.leadId) {
    changes.lead_consultant_id = options.leadId;
    changes.first_assigned_at = nowIso();
  }
  if (options.status && ['completed', 'declined', 'withdrawn'].includes(options.status)) changes.closed_at = nowIso();
  if (Object.keys(changes).length) await knex('cases').where({ id: result.caseId }).update(changes);
  if (options.supporterIds?.length)
    await knex('case_supporters').insert(options.supporterIds.map((user_id) => ({ case_id: result.caseId, user_id })));
  return { id: result.caseId, reference: result.reference, statusPath: `/status/${'token' in result ? result.token : ''}` };
}

/** Inserts an engagement row for a case, as the engagements feature stores one (delivered by default). */
export async function addEngagement(
  knex: Knex,
  caseId: number,
  status: 'delivered' | 'scheduled' | 'cancelled' = 'delivered',
): Promise<number> {
  const at = nowIso();
  const [row] = await knex('engagements')
    .insert({
      case_id: caseId,
      date: '2026-01-05',
      year: 2026,
      month: 1,
      duration_minutes: 60,
      format: 'one_on_one',
      status,
      participant_count: 4,
      summary: status === 'delivered' ? 'Walked the board through the framework.' : null,
      created_at: at,
      updated_at: at,
    })
    .returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

/** What the engagements feature does when it logs a delivered engagement: the row, then the case's bookkeeping. */
export async function logDeliveredEngagement(knex: Knex, caseId: number, actorId: number | null): Promise<number> {
  const id = await addEngagement(knex, caseId, 'delivered');
  await knex.transaction((trx) => noteEngagementChange(trx, caseId, actorId));
  return id;
}

interface CaseRowLite {
  id: number;
  status: string;
  priority: string;
  source: string;
  reference: string;
  title: string;
  deadline: string | null;
  preferred_start: string | null;
  lead_consultant_id: number | null;
  closing_summary: string | null;
  closing_reason: string | null;
  first_assigned_at: unknown;
  first_engagement_at: unknown;
  closed_at: unknown;
  [column: string]: unknown;
}

/** The case's row as stored, ids as numbers. */
export async function caseRow(knex: Knex, id: number): Promise<CaseRowLite> {
  const row = await knex('cases').where({ id }).first();
  if (!row) throw new Error(`no case ${id}`);
  return { ...row, id: Number(row.id), lead_consultant_id: row.lead_consultant_id === null ? null : Number(row.lead_consultant_id) };
}

/** A timestamp column as epoch milliseconds (SQLite stores text, PostgreSQL hands back a Date), or null. */
export function millis(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
}

interface EventRow {
  id: number;
  kind: string;
  actor_kind: string;
  actor_user_id: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The case's timeline, oldest first, with before/after parsed; only events after `sinceId` if given. */
export async function eventsOf(knex: Knex, caseId: number, sinceId = 0): Promise<EventRow[]> {
  const rows = await knex('case_events').where({ case_id: caseId }).andWhere('id', '>', sinceId).orderBy('id');
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    actor_kind: r.actor_kind,
    actor_user_id: r.actor_user_id === null ? null : Number(r.actor_user_id),
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
  }));
}

/** The id of the case's latest timeline event (0 when it has none). */
export async function lastEventId(knex: Knex, caseId: number): Promise<number> {
  const row = await knex('case_events').where({ case_id: caseId }).max({ m: 'id' }).first();
  return Number(row?.m ?? 0);
}

/** How many rows a table has for a case (notes, messages, events, supporters). */
export async function countFor(knex: Knex, table: string, caseId: number): Promise<number> {
  const [{ n }] = await knex(table).where({ case_id: caseId }).count({ n: '*' });
  return Number(n);
}

export type Agent = ReturnType<typeof request.agent>;

export interface StaffClient {
  user: TestUser;
  agent: Agent;
  token: string;
  get(path: string): Promise<request.Response>;
  /** Posts a form as a browser does, with the CSRF token. */
  post(path: string, fields?: Record<string, string | string[] | undefined>): Promise<request.Response>;
}

/** A signed-in staff member who can get pages and post forms. */
export async function staffClient(app: Express, user: TestUser): Promise<StaffClient> {
  const agent = await signInAs(app, user);
  const token = csrfTokenOf((await agent.get('/cases/new').expect(200)).text);
  return {
    user,
    agent,
    token,
    get: (path) => agent.get(path),
    post: (path, fields = {}) =>
      agent
        .post(path)
        .type('form')
        .send(encodeForm({ ...fields, _csrf: token })),
  };
}

// ---------------------------------------------------------------------------------------------
// Readers for the rendered HTML (enough for these tests, without a DOM).

function decode(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#x([0-9a-f]+)|#(\d+)|amp|lt|gt|quot);/gi, (_m, ent: string, hex?: string, dec?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : named[ent.toLowerCase()],
  );
}

/** The message shown next to a field (the element with id `field-<name>-error`), or undefined. */
export function errorAt(html: string, name: string): string | undefined {
  const m = new RegExp(`id="field-${name}-error"[^>]*>([^<]*)<`).exec(html);
  return m ? decode(m[1]).trim() : undefined;
}

/** What the control with id `field-<name>` shows: an input's value or a textarea's text. */
export function shownValue(html: string, name: string): string | undefined {
  const area = new RegExp(`<textarea\\b[^>]*\\sid="field-${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  if (area) return decode(area[1]);
  const input = (html.match(/<input\b[^>]*>/g) ?? []).find((t) => t.includes(` id="field-${name}"`));
  const m = input ? / value="([^"]*)"/.exec(input) : null;
  return m ? decode(m[1]) : undefined;
}

/** The values of the inputs named `name`, in page order. */
export function inputValues(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? [])
    .filter((t) => t.includes(` name="${name}"`))
    .map((t) => decode(/ value="([^"]*)"/.exec(t)?.[1] ?? ''));
}

/** The case ids the case list links to, in the order shown. */
export function listedCaseIds(html: string): number[] {
  return [...html.matchAll(/<th scope="row" data-label="Reference"><a href="\/cases\/(\d+)">/g)].map((m) => Number(m[1]));
}

/** The Previous and Next links of the case list, decoded, or undefined. */
export function pageLinks(html: string): { prev?: string; next?: string } {
  const prev = /<a href="([^"]*)" class="usa-pagination__link usa-pagination__previous-page"/.exec(html);
  const next = /<a href="([^"]*)" class="usa-pagination__link usa-pagination__next-page"/.exec(html);
  return { prev: prev ? decode(prev[1]) : undefined, next: next ? decode(next[1]) : undefined };
}

/** Escapes text for a RegExp. */
export function re(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
