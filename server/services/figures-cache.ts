import type { Knex } from 'knex';
import { db, rawRows } from '../db';

/**
 * A small in-process cache for report figures. The data version (below) moves with every
 * committed change to what the figures read, so a cached entry is used only while it is
 * unchanged. Each app instance reads the version on every request (with the session, or alone),
 * so no instance serves stale figures.
 */
const MAX_ENTRIES = 200;
// One cache per database (tests give each file a database of its own).
const caches = new WeakMap<Knex, Map<string, { version: string; value: unknown }>>();

/**
 * SQL select items that read the data version, for a query that wants it alongside its own
 * columns: a counter that triggers move on every committed change to what pages and figures show
 * (migration 20261201000002).
 */
export const DATA_VERSION_SQL = '(select version from data_version where id = 1) as dv';

/** The data version from a row that selected DATA_VERSION_SQL. */
export function versionOfRow(row: Record<string, unknown>): string {
  return String(row.dv ?? '');
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
