import { Queryable, db, num, rawRows } from '../db';

/** The latest time (epoch ms) until which any of these keys is locked, or 0. */
export async function lockedUntil(keys: string[], now: number, q: Queryable = db): Promise<number> {
  const rows = await q('login_throttles').whereIn('key', keys).andWhere('locked_until', '>', now).select('locked_until');
  return rows.reduce((max, r) => Math.max(max, num(r.locked_until)), 0);
}

/**
 * Counts one failure for a key in one atomic statement (safe when instances race): a new
 * window starts when the old one is over; reaching `max` failures locks the key for `lockMs`.
 */
export async function countFailure(key: string, now: number, windowMs: number, max: number, lockMs: number, q: Queryable = db): Promise<number> {
  const windowStart = now - windowMs;
  const result = await q.raw(
    `INSERT INTO login_throttles (key, failures, window_started_at, locked_until) VALUES (?, 1, ?, 0)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_throttles.window_started_at > ? THEN login_throttles.failures + 1 ELSE 1 END,
       window_started_at = CASE WHEN login_throttles.window_started_at > ? THEN login_throttles.window_started_at ELSE ? END
     RETURNING failures`,
    [key, now, windowStart, windowStart, now],
  );
  const failures = num(rawRows<{ failures: number }>(result)[0].failures);
  if (failures >= max) await q('login_throttles').where({ key }).update({ locked_until: now + lockMs });
  return failures;
}

export async function clearThrottle(key: string, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).delete();
}
