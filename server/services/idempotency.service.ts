import { createHash } from 'node:crypto';
import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { AppError, ConflictError, ValidationError } from '../errors';
import {
  completeIdempotencyKey,
  deleteIdempotencyKey,
  findIdempotencyKey,
  insertIdempotencyKey,
  purgeIdempotencyKeys,
} from '../queries/idempotency.queries';

/** How long a key is remembered: a client retries within minutes, never a day later. */
const KEEP_MS = 24 * 60 * 60 * 1000;

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Runs a write once per (token, Idempotency-Key). The key is reserved before the write, so that a
 * retry made while the first call is still running is told so (409) instead of writing twice; the
 * answer is kept after it, and a retry of the same call gets it back. The same key with another
 * call answers 422. A write that fails frees its key, so that the corrected call can use it.
 */
export async function runOnce(
  tokenId: number,
  key: string | undefined,
  request: unknown,
  write: () => Promise<ApiAnswer>,
): Promise<ApiAnswer & { replayed: boolean }> {
  if (key === undefined) return { ...(await write()), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new ValidationError([
      { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID' },
    ]);
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const now = Date.now();
  await purgeIdempotencyKeys(tokenId, new Date(now - KEEP_MS).toISOString());
  let id: number;
  try {
    id = await insertIdempotencyKey({ token_id: tokenId, key, request_hash: hash, created_at: nowIso(new Date(now)) });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const seen = await findIdempotencyKey(tokenId, key);
    if (!seen) throw new ConflictError('A call with this Idempotency-Key has just ended; send it again.');
    if (seen.request_hash !== hash)
      throw new AppError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different call: use a new key for a new call.',
      );
    if (seen.status === null || seen.response === null)
      throw new ConflictError('A call with this Idempotency-Key is still being made: wait for its answer, then retry.');
    return { status: Number(seen.status), body: JSON.parse(seen.response), replayed: true };
  }
  try {
    const answer = await write();
    await completeIdempotencyKey(id, answer.status, JSON.stringify(answer.body));
    return { ...answer, replayed: false };
  } catch (err) {
    await deleteIdempotencyKey(id);
    throw err;
  }
}
