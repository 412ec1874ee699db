import { db, Queryable, reads } from '../db';

interface IdempotencyRow {
  id: number;
  token_id: number;
  key: string;
  request_hash: string;
  status: number | null;
  response: string | null;
  created_at: string | Date;
}

/** Reserves a key for a token; throws a unique violation when the token already used it. */
export async function insertIdempotencyKey(row: Omit<IdempotencyRow, 'id' | 'status' | 'response'>, q: Queryable = db): Promise<number> {
  const [inserted] = await q('api_idempotency_keys').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function findIdempotencyKey(tokenId: number, key: string, q: Queryable = reads): Promise<IdempotencyRow | undefined> {
  return q('api_idempotency_keys').where({ token_id: tokenId, key }).first();
}

export async function completeIdempotencyKey(id: number, status: number, response: string, q: Queryable = db): Promise<void> {
  await q('api_idempotency_keys').where({ id }).update({ status, response });
}

export async function deleteIdempotencyKey(id: number, q: Queryable = db): Promise<void> {
  await q('api_idempotency_keys').where({ id }).delete();
}

/** Forgets a token's keys older than `before`. */
export async function purgeIdempotencyKeys(tokenId: number, before: string, q: Queryable = db): Promise<void> {
  await q('api_idempotency_keys').where({ token_id: tokenId }).where('created_at', '<', before).delete();
}
