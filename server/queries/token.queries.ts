import { db, Queryable, reads } from '../db';
import { bool } from '../values';

/** Revokes every token of a user still in force; returns the ids revoked. */
export async function revokeTokensOfUser(q: Queryable, userId: number, at: string): Promise<number[]> {
  const rows: { id: number }[] = await q('api_tokens').where({ user_id: userId }).whereNull('revoked_at').select('id');
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  await q('api_tokens').whereIn('id', ids).update({ revoked_at: at });
  return ids;
}

export interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: string | Date;
  last_used_at: string | Date | null;
  revoked_at: string | Date | null;
  scope: string;
}

/** Stores a new token (its hash only) and returns its id. */
export async function insertApiToken(
  q: Queryable,
  row: { user_id: number; name: string; scope: string; token_hash: string; prefix: string; created_at: string },
): Promise<number> {
  const [inserted] = await q('api_tokens').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

/** Every token, newest first, with its owner's name. */
export async function listApiTokens(q: Queryable = reads): Promise<(ApiTokenRow & { user_name: string })[]> {
  return q('api_tokens')
    .join('users', 'users.id', 'api_tokens.user_id')
    .orderBy('api_tokens.id', 'desc')
    .select('api_tokens.*', 'users.name as user_name');
}

/** Revokes a token still in force; true if it was (false: no such token, or revoked already). */
export async function revokeApiTokenRow(q: Queryable, id: number, at: string): Promise<boolean> {
  return Number(await q('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at })) > 0;
}

/** The token in force with this hash, with its owner's role and whether the owner is active. */
export async function findTokenInForce(
  tokenHash: string,
  q: Queryable = reads,
): Promise<
  | {
      id: number;
      scope: string;
      last_used_at: string | Date | null;
      user_id: number;
      name: string;
      email: string;
      role: string;
      active: boolean;
    }
  | undefined
> {
  const row = await q('api_tokens')
    .join('users', 'users.id', 'api_tokens.user_id')
    .where({ 'api_tokens.token_hash': tokenHash })
    .whereNull('api_tokens.revoked_at')
    .first(
      'api_tokens.id',
      'api_tokens.scope',
      'api_tokens.last_used_at',
      'users.id as user_id',
      'users.name',
      'users.email',
      'users.role',
      'users.active',
    );
  return row ? { ...row, id: Number(row.id), user_id: Number(row.user_id), active: bool(row.active) } : undefined;
}

/** Records when a token was last used. */
export async function touchApiToken(id: number, at: string, q: Queryable = db): Promise<void> {
  await q('api_tokens').where({ id }).update({ last_used_at: at });
}
