import { db, Queryable, reads } from '../db';
import { bool, num } from '../values';

/** A stored sign-in session, read with its user (one round trip: every signed-in request needs both). */
export interface StoredSession {
  data: string;
  expiresAt: number;
  user?: { id: number; name: string; email: string; role: 'director' | 'consultant'; active: boolean };
}

/** The session `sid` and its user, if it is stored. */
export async function findSession(sid: string, q: Queryable = reads): Promise<StoredSession | undefined> {
  const row = await q('sessions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .where('s.sid', sid)
    .first('s.data', 's.expires_at', 'u.id as user_id', 'u.name', 'u.email', 'u.role', 'u.active');
  if (!row) return undefined;
  const user =
    row.user_id === null || row.user_id === undefined
      ? undefined
      : { id: num(row.user_id), name: String(row.name), email: String(row.email), role: row.role, active: bool(row.active) };
  return { data: String(row.data), expiresAt: num(row.expires_at), user };
}

/** Stores a session (anew or over the one with its sid). */
export async function saveSession(
  row: { sid: string; data: string; expires_at: number; user_id: number | null },
  q: Queryable = db,
): Promise<void> {
  await q('sessions').insert(row).onConflict('sid').merge(['data', 'expires_at', 'user_id']);
}

/** Moves a session's expiry. */
export async function touchSession(sid: string, expiresAt: number, q: Queryable = db): Promise<void> {
  await q('sessions').where({ sid }).update({ expires_at: expiresAt });
}

export async function deleteSession(sid: string, q: Queryable = db): Promise<void> {
  await q('sessions').where({ sid }).delete();
}

/** Deletes the sessions that expired before `now` (epoch ms). */
export async function deleteExpiredSessions(now: number, q: Queryable = db): Promise<void> {
  await q('sessions').where('expires_at', '<', now).delete();
}
