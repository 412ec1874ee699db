import { Queryable, db, num, rawRows } from '../db';

/** The latest time (epoch ms) until which any of these keys is locked, or 0. */
export async function lockedUntil(keys: string[], now: number, q: Queryable = db): Promise<number> {
  const rows = await q('login_throttles').whereIn('key', keys).andWhere('locked_until', '>', now).select('locked_until');
  return rows.reduce((max, r) => Math.max(max, num(r.locked_until)), 0);
}

/**
 * Takes one sign-in attempt for a key in one atomic statement, before any password is checked.
 * It is refused (false) while the key is locked or already holds `max` attempts in the current
 * window; otherwise it is counted as a failure (a new window starts when the old one is over)
 * until `releaseAttempt` gives it back. Checking first and counting after the hash let every
 * attempt of a concurrent burst through (twelve at once were all checked); counting first lets
 * only `max` through, however the requests race, on one instance or many.
 */
export async function takeAttempt(key: string, now: number, windowMs: number, max: number, q: Queryable = db): Promise<boolean> {
  const windowStart = now - windowMs;
  const result = await q.raw(
    `INSERT INTO login_throttles (key, failures, window_started_at, locked_until) VALUES (?, 1, ?, 0)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_throttles.window_started_at > ? THEN login_throttles.failures + 1 ELSE 1 END,
       window_started_at = CASE WHEN login_throttles.window_started_at > ? THEN login_throttles.window_started_at ELSE ? END
     WHERE login_throttles.locked_until <= ?
       AND NOT (login_throttles.window_started_at > ? AND login_throttles.failures >= ?)
     RETURNING failures`,
    [key, now, windowStart, windowStart, now, now, windowStart, max],
  );
  return rawRows(result).length > 0;
}

/** Gives back an attempt taken with `takeAttempt` that turned out not to be a failure. */
export async function releaseAttempt(key: string, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).andWhere('failures', '>', 0).decrement('failures', 1);
}

/** Locks a key for `lockMs` once its failures in the window have reached `max`. */
export async function lockIfReached(key: string, now: number, max: number, lockMs: number, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).andWhere('failures', '>=', max).update({ locked_until: now + lockMs });
}

export async function clearThrottle(key: string, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).delete();
}
