// PostgreSQL's advisory locks, for work that one instance at a time should do (migrating and
// seeding at start, periodic jobs). SQLite has one writer at a time already: the work just runs.
import type { Knex } from 'knex';
import { bool } from './values';
import { isPostgres, migrateLatest, rawRows } from './db';

/**
 * An advisory lock's number: the key and the schema the connection works in (advisory locks are
 * per database; apps in different schemas of one database have their own tables, so their own locks).
 */
const ADVISORY_KEY_SQL = "hashtext(? || ':' || current_schema())";

/** The key of the session advisory lock that instances take around migrating and seeding. */
const STARTUP_LOCK = 'leep:migrate-and-seed';

/**
 * Runs `work` while holding a PostgreSQL session advisory lock on `key`, taken on a connection of
 * its own that is kept until the work ends (released on error too, and by PostgreSQL if the
 * process dies). SQLite has one writer at a time already: the work just runs.
 */
export async function withAdvisoryLock<T>(instance: Knex, key: string, work: () => Promise<T>): Promise<T> {
  return (await lockedRun(instance, key, work, true)) as T;
}

/**
 * Like `withAdvisoryLock`, but gives up at once when another process holds the lock: for a
 * periodic job that one instance at a time should run. Returns undefined when it did not run.
 */
export async function ifAdvisoryLock<T>(instance: Knex, key: string, work: () => Promise<T>): Promise<T | undefined> {
  return lockedRun(instance, key, work, false);
}

async function lockedRun<T>(instance: Knex, key: string, work: () => Promise<T>, wait: boolean): Promise<T | undefined> {
  if (!isPostgres(instance)) return work();
  const client = instance.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    if (wait) await instance.raw(`SELECT pg_advisory_lock(${ADVISORY_KEY_SQL})`, [key]).connection(conn);
    else {
      const got = rawRows<{ ok: unknown }>(
        await instance.raw(`SELECT pg_try_advisory_lock(${ADVISORY_KEY_SQL}) AS ok`, [key]).connection(conn),
      )[0];
      if (!bool(got?.ok)) return undefined;
    }
    try {
      return await work();
    } finally {
      await instance.raw(`SELECT pg_advisory_unlock(${ADVISORY_KEY_SQL})`, [key]).connection(conn);
    }
  } finally {
    await client.releaseConnection(conn);
  }
}

/**
 * Migrates, then seeds, as one step that instances starting at the same moment take in turn: the
 * first does the work, the others wait for it and then find nothing left to do.
 */
export async function migrateAndSeed(instance: Knex, seed: (k: Knex) => Promise<void>): Promise<void> {
  await withAdvisoryLock(instance, STARTUP_LOCK, async () => {
    await migrateLatest(instance);
    await seed(instance);
  });
}
