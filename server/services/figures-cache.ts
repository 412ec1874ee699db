import type { Knex } from 'knex';
import { db, rawRows } from '../db';

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

// The newest of each: any change to what pages and figures show moves one of them.
const VERSION_COLUMNS = [
  '(select max(id) from case_events) as dv_e',
  '(select max(updated_at) from users) as dv_u',
  '(select max(updated_at) from topics) as dv_t',
  '(select max(id) from feedback) as dv_f',
  '(select max(id) from cases) as dv_c',
  '(select max(id) from engagements) as dv_g',
];

/** SQL select items that read the data version, for a query that wants it alongside its own columns. */
export const DATA_VERSION_SQL = VERSION_COLUMNS.join(', ');

/** The data version from a row that selected DATA_VERSION_SQL. */
export function versionOfRow(row: Record<string, unknown>): string {
  const stamp = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v ?? ''));
  return [row.dv_e, row.dv_u, row.dv_t, row.dv_f, row.dv_c, row.dv_g].map(stamp).join('|');
}

/** The current data version (one query of index lookups). */
export async function dataVersion(): Promise<string> {
  const [row] = rawRows(await db.raw(`select ${DATA_VERSION_SQL}`));
  return versionOfRow(row);
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
