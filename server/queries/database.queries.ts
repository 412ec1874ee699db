import type { Knex } from 'knex';
import { currentDatabase, db, withDatabase } from '../db';

/**
 * The database as the layers above `queries/` see it: a transaction to pass to query functions,
 * and the binding of an app's (or a worker's) work to its own database. Services, handlers and
 * entry points import this, never `db.ts` or knex.
 */

/** A transaction: what a service hands to each query function that must share it. */
export type Tx = Knex.Transaction;

/** Runs `work` in one transaction: all of it is written, or (when it throws) none. */
export function transaction<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

/** A database (for an app or a worker to be bound to). */
export type Database = Knex;

/** The database that the current work runs against (for a worker to be bound to). */
export function boundDatabase(): Database {
  return currentDatabase();
}

export { withDatabase };
