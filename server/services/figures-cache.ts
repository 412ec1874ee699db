import { db, rawRows } from '../db';
import { VersionedCache } from './versioned-cache';

/**
 * A small in-process cache for report figures. The data version (below) moves with every
 * committed change to what the figures read, so a cached entry is used only while it is
 * unchanged. Each app instance reads the version on every request (with the session, or alone),
 * so no instance serves stale figures.
 */
const figures = new VersionedCache<unknown>({ entries: 200 });

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
  const hit = figures.get(key, version);
  if (hit !== undefined) return hit as T;
  const value = await compute();
  figures.set(key, version, value);
  return value;
}
