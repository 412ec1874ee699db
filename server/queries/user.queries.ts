import { db, Queryable, reads } from '../db';
import { forShare, lockForTransaction } from '../db-sql';
import { bool, num } from '../values';
import { workloadByLead } from './consultant.queries';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: 'director' | 'consultant';
  password_hash: string | null;
  active: boolean;
  capacity: number;
  last_sign_in_at: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
}

function normalize(row: UserRow | undefined): UserRow | undefined {
  return row ? { ...row, active: bool(row.active), capacity: num(row.capacity) } : undefined;
}

export async function countUsers(q: Queryable = reads): Promise<number> {
  return num((await q('users').count({ n: '*' }))[0].n);
}

export async function findUserByEmail(email: string, q: Queryable = reads): Promise<UserRow | undefined> {
  return normalize(await q('users').where({ email: email.trim().toLowerCase() }).first());
}

/** A user; with `lock`, its row is share-locked until the transaction ends (nobody deactivates it meanwhile). */
export async function findUserById(id: number, q: Queryable = reads, options: { lock?: boolean } = {}): Promise<UserRow | undefined> {
  const query = q('users').where({ id });
  return normalize(await (options.lock ? forShare(query) : query).first());
}

/** Inserts a user and returns its id. */
export async function insertUser(q: Queryable, row: Omit<UserRow, 'id' | 'last_sign_in_at'>): Promise<number> {
  const [inserted] = await q('users').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function updateUser(q: Queryable, id: number, changes: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await q('users').where({ id }).update(changes);
}

/** Every user with their open-case count and expertise, by name. */
export async function listUsers(q: Queryable = reads): Promise<(UserRow & { open_cases: number; topic_ids: number[] })[]> {
  const users = ((await q('users').orderBy('name')) as UserRow[]).map((u) => normalize(u) as UserRow);
  const topics = await q('user_topics').select('user_id', 'topic_id');
  const openBy = await workloadByLead(q);
  return users.map((u) => ({
    ...u,
    open_cases: openBy.get(u.id) ?? 0,
    topic_ids: topics.filter((t) => Number(t.user_id) === u.id).map((t) => Number(t.topic_id)),
  }));
}

export async function setUserTopics(q: Queryable, userId: number, topicIds: number[]): Promise<void> {
  await q('user_topics').where({ user_id: userId }).delete();
  if (topicIds.length) await q('user_topics').insert(topicIds.map((topic_id) => ({ user_id: userId, topic_id })));
}

export async function topicIdsOfUser(userId: number, q: Queryable = reads): Promise<number[]> {
  return (await q('user_topics').where({ user_id: userId }).select('topic_id')).map((r) => Number(r.topic_id));
}

/**
 * Serializes first-run setups until the transaction ends, so that two at once cannot both find no
 * user and both create a director.
 */
export async function lockFirstSetup(trx: Queryable): Promise<void> {
  await lockForTransaction(trx, 'leep:first-setup');
}

/** Ends every sign-in session of a user but one (the session they are using). */
export async function deleteOtherSessionsOfUser(q: Queryable, userId: number, keepSessionId: string): Promise<void> {
  await q('sessions').where({ user_id: userId }).whereNot('sid', keepSessionId).delete();
}

/** Ends every sign-in session of a user. */
export async function deleteSessionsOfUser(q: Queryable, userId: number): Promise<void> {
  await q('sessions').where({ user_id: userId }).delete();
}

interface AuditEvent {
  actor_user_id?: number | null;
  action: string;
  subject?: string | null;
  ip?: string | null;
  detail?: unknown;
  created_at: string;
}

/** Records an event in the audit log on its own (outside any transaction). */
export async function audit(event: AuditEvent): Promise<void> {
  await insertAudit(db, event);
}

export async function insertAudit(q: Queryable, event: AuditEvent): Promise<void> {
  await q('audit_events').insert({
    actor_user_id: event.actor_user_id ?? null,
    action: event.action,
    subject: event.subject ?? null,
    ip: event.ip ?? null,
    detail_json: event.detail === undefined ? null : JSON.stringify(event.detail),
    created_at: event.created_at,
  });
}

/** Every user's id and name, by name: for menus and for naming people in timelines. */
export async function listUserNames(q: Queryable = reads): Promise<{ id: number; name: string; active: boolean }[]> {
  return (await q('users').orderBy('name').select('id', 'name', 'active')).map((u: { id: unknown; name: string; active: unknown }) => ({
    id: Number(u.id),
    name: u.name,
    active: bool(u.active),
  }));
}
