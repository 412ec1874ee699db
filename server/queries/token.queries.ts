import type { Queryable } from '../db';

/** Revokes every token of a user still in force; returns the ids revoked. */
export async function revokeTokensOfUser(q: Queryable, userId: number, at: string): Promise<number[]> {
  const rows: { id: number }[] = await q('api_tokens').where({ user_id: userId }).whereNull('revoked_at').select('id');
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  await q('api_tokens').whereIn('id', ids).update({ revoked_at: at });
  return ids;
}
