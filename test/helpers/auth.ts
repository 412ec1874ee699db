import crypto from 'node:crypto';
import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { nowIso } from '../../server/values';
import { insertUser, setUserTopics } from '../../server/queries/user.queries';
import { hashPassword } from '../../server/services/password.service';
import { db } from '../../server/db';
import { csrfTokenOf, encodeForm } from './app';

const TEST_PASSWORD = 'Granite-lamp-harbor-41';
let counter = 0;
let cachedHash: Promise<string> | undefined;

export interface TestUser {
  id: number;
  email: string;
  name: string;
  role: 'director' | 'consultant';
  password: string;
}

/** A staff user stored directly (password TEST_PASSWORD), with optional expertise topic ids. */
export async function makeUser(
  overrides: Partial<{
    role: 'director' | 'consultant';
    name: string;
    email: string;
    capacity: number;
    active: boolean;
    topicIds: number[];
  }> = {},
): Promise<TestUser> {
  counter += 1;
  cachedHash ??= hashPassword(TEST_PASSWORD, { logN: 10, r: 8, p: 1 });
  const role = overrides.role ?? 'consultant';
  const name = overrides.name ?? `${role === 'director' ? 'Director' : 'Consultant'} ${counter}`;
  const email = (overrides.email ?? `${role}${counter}.${Date.now()}@leep.test`).toLowerCase();
  const at = nowIso();
  const id = await insertUser(db, {
    email,
    name,
    role,
    password_hash: await cachedHash,
    active: overrides.active ?? true,
    capacity: overrides.capacity ?? 5,
    created_at: at,
    updated_at: at,
  });
  if (overrides.topicIds?.length) await setUserTopics(db, id, overrides.topicIds);
  return { id, email, name, role, password: TEST_PASSWORD };
}

export type Agent = ReturnType<typeof request.agent>;

/** An agent signed in as the user; `csrf(page)` fetches a page and returns its CSRF token. */
export async function signInAs(
  app: Express,
  user: { email: string; password: string },
): Promise<Agent & { csrf: (page?: string) => Promise<string> }> {
  const agent = request.agent(app) as Agent & { csrf: (page?: string) => Promise<string> };
  const form = await agent.get('/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text.slice(0, 300)}`);
  agent.csrf = async (page = '/account/password') => csrfTokenOf((await agent.get(page).expect(200)).text);
  return agent;
}

// ---------------------------------------------------------------------------------------------
// Helpers for the sign-in, session and account tests.

let addressCounter = 0;

/**
 * A client address of its own (from TEST-NET-2), to send as X-Forwarded-For to an app built with
 * TRUST_PROXY=1, so that each test has its own per-address throttle and rate limit.
 */
export function freshAddress(): string {
  addressCounter += 1;
  return `198.51.${100 + Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
}

/** An agent that keeps cookies, optionally coming from one client address (X-Forwarded-For). */
export function agentFrom(app: Express, address?: string): Agent {
  const agent = request.agent(app);
  if (address) agent.set('X-Forwarded-For', address);
  return agent;
}

/**
 * One sign-in attempt as a browser makes it: fetch the form (for its CSRF token), post it.
 * Returns the answer and the agent, which keeps whatever cookie the answer set.
 */
export async function attemptSignIn(
  app: Express,
  email: string,
  password: string,
  options: { address?: string; agent?: Agent; next?: string } = {},
): Promise<{ res: request.Response; agent: Agent }> {
  const agent = options.agent ?? agentFrom(app, options.address);
  const form = await agent.get('/login');
  const token = csrfTokenOf(form.text);
  const res = await agent
    .post('/login')
    .type('form')
    .send(encodeForm({ _csrf: token, email, password, next: options.next }));
  return { res, agent };
}

/** Like signInAs, but from a client address of its own (the app must trust one proxy). */
export async function signInFrom(
  app: Express,
  user: { email: string; password: string },
  address: string,
): Promise<Agent & { csrf: (page?: string) => Promise<string> }> {
  const { res, agent } = await attemptSignIn(app, user.email, user.password, { address });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text.slice(0, 300)}`);
  const signed = agent as Agent & { csrf: (page?: string) => Promise<string> };
  signed.csrf = async (page = '/account/password') => csrfTokenOf((await agent.get(page).expect(200)).text);
  return signed;
}

interface SetCookie {
  name: string;
  value: string;
  /** The attributes, lower-cased names: `{ path: '/', httponly: true, samesite: 'Lax' }`. */
  attributes: Record<string, string | true>;
}

/** The cookies a response sets, by name. */
export function cookiesSetBy(res: request.Response): Map<string, SetCookie> {
  const raw = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out = new Map<string, SetCookie>();
  for (const line of lines) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      if (i < 0) attributes[a.toLowerCase()] = true;
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    out.set(pair.slice(0, eq), { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes });
  }
  return out;
}

/** The session id inside a signed session cookie value (`s%3A<sid>.<signature>`). */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue);
  if (!decoded.startsWith('s:')) throw new Error(`not a signed session cookie: ${cookieValue}`);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** A session cookie value for a session id, signed as express-session signs it. */
export function signedSessionCookie(sid: string, secret: string): string {
  const signature = crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sid}.${signature}`);
}

/** Rewrites the stored data of every sign-in session of a user (to back-date its clock); returns how many. */
export async function editSessionsOf(knex: Knex, userId: number, change: (data: Record<string, unknown>) => void): Promise<number> {
  const rows: { sid: string; data: string }[] = await knex('sessions').where({ user_id: userId }).select('sid', 'data');
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    change(data);
    await knex('sessions')
      .where({ sid: row.sid })
      .update({ data: JSON.stringify(data) });
  }
  return rows.length;
}

interface AuditRow {
  id: number;
  actor_user_id: number | null;
  action: string;
  subject: string | null;
  ip: string | null;
  detail_json: string | null;
  created_at: string | Date;
}

/** The audit events with this action (and subject, if given), oldest first. */
export async function auditEvents(knex: Knex, action: string, subject?: string): Promise<AuditRow[]> {
  const q = knex('audit_events').where({ action }).orderBy('id');
  if (subject !== undefined) q.andWhere({ subject });
  return ((await q) as AuditRow[]).map((r) => ({
    ...r,
    id: Number(r.id),
    actor_user_id: r.actor_user_id === null ? null : Number(r.actor_user_id),
  }));
}

/** Removes every staff account and what hangs on it, for tests of the first-run setup. */
export async function removeAllUsers(knex: Knex): Promise<void> {
  await knex('sessions').delete();
  await knex('audit_events').delete();
  await knex('user_topics').delete();
  await knex('users').delete();
}

/** The `value` of the input with id `field-<name>` (undefined when it has none), HTML entities decoded. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = (html.match(/<input\b[^>]*>/g) ?? []).find((t) => t.includes(` id="field-${name}"`));
  const m = tag ? / value="([^"]*)"/.exec(tag) : null;
  return m ? decodeEntities(m[1]) : undefined;
}

/** The values of the checked radios or checkboxes named `name`. */
export function checkedOf(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? [])
    .filter((t) => t.includes(` name="${name}"`) && /\schecked(?=[\s>])/.test(t))
    .map((t) => decodeEntities(/ value="([^"]*)"/.exec(t)?.[1] ?? ''));
}

/** The message shown next to a field (`#field-<name>-error`), or undefined. */
export function errorAt(html: string, name: string): string | undefined {
  const m = new RegExp(`id="field-${name}-error"[^>]*>([^<]*)<`).exec(html);
  return m ? decodeEntities(m[1]) : undefined;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#x([0-9a-f]+)|#(\d+)|amp|lt|gt|quot);/gi, (_m, ent: string, hex?: string, dec?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : named[ent.toLowerCase()],
  );
}
