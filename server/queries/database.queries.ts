import type { Knex } from 'knex';
import { seedReferenceData } from '../../seeds/reference';
import { currentDatabase, db, sharesAcrossInstances as shared } from '../db';
import { ifAdvisoryLock as ifLocked, migrateAndSeed as migrateAndSeedWith } from '../db-locks';
import { takeWriteLock } from '../db-sql';

/**
 * The database as the layers above `queries/` see it: a transaction to pass to query functions,
 * the binding of an app's (or a worker's) work to its own database, and what the entry points
 * need to open, prepare and close one. Services, handlers and entry points import this, never
 * `db.ts` or knex.
 */

/** A transaction: what a service hands to each query function that must share it. */
export type Tx = Knex.Transaction;

/**
 * Runs `work` in one transaction: all of it is written, or (when it throws) none. On SQLite it
 * holds the write lock from its start (`takeWriteLock`), so that it waits for another process's
 * writes instead of failing when they commit between its reads and its writes.
 */
export function transaction<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await takeWriteLock(trx);
    return work(trx);
  });
}

/** A database (for an app, a worker or a command to be bound to). */
export type Database = Knex;

/** The database that the current work runs against (for a worker to be bound to). */
export function boundDatabase(): Database {
  return currentDatabase();
}

export { engineName, openDatabase, sqliteFileOf, withDatabase } from '../db';

/** Closes a database's connections (at the end of a command, or of a server). */
export function closeDatabase(instance: Database): Promise<void> {
  return instance.destroy();
}

/**
 * Brings a database up to date: pending migrations, then the reference data (jurisdictions,
 * topics), one instance at a time when several start at once.
 */
export function migrateAndSeed(instance: Database): Promise<void> {
  return migrateAndSeedWith(instance, seedReferenceData);
}

/**
 * Runs `work` on the current database unless another process holds the advisory lock `key`
 * (PostgreSQL; SQLite runs it): for a periodic job one host at a time should do. Undefined when
 * it did not run.
 */
export function ifAdvisoryLock<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
  return ifLocked(currentDatabase(), key, work);
}

/** Whether other app instances may share the current database (see `sharesAcrossInstances` in db.ts). */
export function sharesAcrossInstances(): boolean {
  return shared(currentDatabase());
}
