import { db, Queryable, rawRows, reads } from '../db';
import { num } from '../values';

/** The latest time (epoch ms) until which any of these keys must wait, or 0. */
export async function delayedUntil(keys: string[], now: number, q: Queryable = reads): Promise<number> {
  const rows = await q('login_throttles').whereIn('key', keys).andWhere('locked_until', '>', now).select('locked_until');
  return rows.reduce((max, r) => Math.max(max, num(r.locked_until)), 0);
}

/**
 * Counts one failure for a key in one atomic statement and returns the count. The count starts
 * again when the key's last failure is older than `windowMs` (`window_started_at` holds the time
 * of the last failure).
 */
export async function countFailure(key: string, now: number, windowMs: number, q: Queryable = db): Promise<number> {
  const result = await q.raw(
    `INSERT INTO login_throttles (key, failures, window_started_at, locked_until) VALUES (?, 1, ?, 0)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_throttles.window_started_at > ? THEN login_throttles.failures + 1 ELSE 1 END,
       window_started_at = ?
     RETURNING failures`,
    [key, now, now - windowMs, now],
  );
  return num(rawRows<{ failures: unknown }>(result)[0]?.failures);
}

/** Makes a key wait until `until` (never shortens a wait already set). */
export async function delayKey(key: string, until: number, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).andWhere('locked_until', '<', until).update({ locked_until: until });
}

export async function clearThrottle(key: string, q: Queryable = db): Promise<void> {
  await q('login_throttles').where({ key }).delete();
}

/** Removes every key that starts with one of these prefixes; returns how many. */
export async function clearThrottlePrefixes(prefixes: string[], q: Queryable = db): Promise<number> {
  let n = 0;
  for (const prefix of prefixes) {
    n += Number(
      await q('login_throttles')
        .where('key', prefix)
        .orWhereRaw("key LIKE ? ESCAPE '\\'", [underPrefix(prefix)])
        .delete(),
    );
  }
  return n;
}

const underPrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`;

/** The latest wait (epoch ms) of a key or any key under it (`<prefix>|…`), or 0. */
export async function waitUnder(prefix: string, now: number, q: Queryable = reads): Promise<number> {
  const rows = await q('login_throttles')
    .where((w) => w.where('key', prefix).orWhereRaw("key LIKE ? ESCAPE '\\'", [underPrefix(prefix)]))
    .andWhere('locked_until', '>', now)
    .select('locked_until');
  return rows.reduce((max, r) => Math.max(max, num(r.locked_until)), 0);
}

/** Deletes the rows whose wait is over and whose last failure is older than the window; returns how many. */
export async function pruneThrottles(now: number, windowMs: number, q: Queryable = db): Promise<number> {
  return Number(
    await q('login_throttles')
      .where('locked_until', '<=', now)
      .andWhere('window_started_at', '<=', now - windowMs)
      .delete(),
  );
}
