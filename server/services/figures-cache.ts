import type { Knex } from 'knex';
import { db } from '../db';

/**
 * A small in-process cache for report figures. Every change to a case or an engagement appends
 * a timeline event (PRODUCT.md), so the newest event's id, with the last change to users and
 * topics (whose names the reports show), is a version of everything the figures read: a cached
 * entry is used only while that version is unchanged. Reading the version is two index lookups,
 * and each app instance checks it on every request, so no instance serves stale figures.
 */
const MAX_ENTRIES = 200;
// One cache per database (tests give each file a database of its own).
const caches = new WeakMap<Knex, Map<string, { version: string; value: unknown }>>();

export async function dataVersion(): Promise<string> {
  const [row] = await db.select(
    db.raw('(select max(id) from case_events) as e'),
    db.raw('(select max(updated_at) from users) as u'),
    db.raw('(select max(updated_at) from topics) as t'),
    db.raw('(select max(id) from feedback) as f'),
    db.raw('(select max(id) from cases) as c'),
    db.raw('(select max(id) from engagements) as g'),
  );
  const stamp = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v ?? ''));
  return [row.e, row.u, row.t, row.f, row.c, row.g].map(stamp).join('|');
}

/** The value for a key at the current data version, computed once per version. */
export async function cachedFigures<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const version = await dataVersion();
  let entries = caches.get(db);
  if (!entries) {
    entries = new Map();
    caches.set(db, entries);
  }
  const hit = entries.get(key);
  if (hit && hit.version === version) {
    // Most recently used last, so that the oldest is dropped first.
    entries.delete(key);
    entries.set(key, hit);
    return hit.value as T;
  }
  const value = await compute();
  entries.set(key, { version, value });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  return value;
}

/** Forgets this database's entries (tests that change rows behind the app's back). */
export function clearFiguresCache(): void {
  caches.delete(db);
}
