import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { startPostgresSession, startSqliteReader, startSqliteSession } from './db-session';

/**
 * The database a piece of work runs against. An app binds the database it was made with to each
 * of its requests (`withDatabase`), and a worker or a command to its own work, so that two apps in
 * one process (tests) cannot reach each other's data. Outside of any such work (a command's
 * start, a test's setup) it is the process's database: the last one opened or given.
 */
const scope = new AsyncLocalStorage<Knex>();
let processDatabase: Knex | undefined;

/** The knex instance the current work runs against. */
export function currentDatabase(): Knex {
  const instance = scope.getStore() ?? processDatabase;
  if (!instance) throw new Error('No database is open.');
  return instance;
}

/** Runs `work` (and everything it starts) against `instance`. */
export function withDatabase<T>(instance: Knex, work: () => T): T {
  return scope.run(instance, work);
}

/**
 * `db` stands for the current database (see `currentDatabase`): `db('cases')`, `db.transaction(…)`
 * and `q: Queryable = db` read it when they run, not when a module loads.
 */
export const db: Knex = standIn(currentDatabase);

/** A knex instance that stands for the one `resolve` gives each time it is called or read. */
function standIn(resolve: () => Knex): Knex {
  return new Proxy(function database() {} as unknown as Knex, {
    apply: (_target, _this, args: unknown[]) => (resolve() as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, property) => {
      const instance = resolve();
      const value: unknown = Reflect.get(instance, property, instance);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(instance) : value;
    },
  });
}

/**
 * `reads` is `db` for a query that only reads. On a SQLite file it runs on connections of their
 * own (`readerOf`): in WAL mode a reader never waits for the writer, so a page is not held up
 * behind another request's transaction, nor behind a write waiting out another process's lock (a
 * CLI import). Elsewhere (PostgreSQL's pool, an in-memory file) it is `db` itself.
 */
export const reads: Knex = standIn(() => readerOf(currentDatabase()));

/** Connections a SQLite database reads on, besides its one writer (node-sqlite3 runs each on libuv's pool of 4 threads). */
const SQLITE_READERS = 2;
const readers = new WeakMap<Knex, Knex>();

/**
 * The knex instance that reads a SQLite file beside `instance` (made at the first read, and
 * destroyed with it); `instance` itself for PostgreSQL, an in-memory file or a destroyed pool.
 */
export function readerOf(instance: Knex): Knex {
  const known = readers.get(instance);
  if (known) return known;
  const config = instance.client.config as Knex.Config;
  const file = (config.connection as { filename?: string } | undefined)?.filename;
  if (!instance.client.pool) return instance;
  if (isPostgres(instance) || !file || file === ':memory:') {
    // Asked on every read: the answer is kept, as a reader's is.
    readers.set(instance, instance);
    return instance;
  }
  const reader = knexFactory({ ...config, pool: { min: 0, max: SQLITE_READERS, afterCreate: startSqliteReader } });
  readers.set(instance, reader);
  // Whoever closes the database (a server stopping, a test) closes its readers too.
  const destroy = Object.getOwnPropertyDescriptor(instance, 'destroy') as PropertyDescriptor;
  Object.defineProperty(instance, 'destroy', {
    ...destroy,
    value: async () => {
      readers.delete(instance);
      Object.defineProperty(instance, 'destroy', destroy);
      await reader.destroy();
      await instance.destroy();
    },
  });
  return reader;
}

export type Queryable = Knex | Knex.Transaction;

const MIGRATIONS_DIR = path.join(__dirname, '..', 'db', 'migrations');

/**
 * Migrations are named without their extension so that the same database can be migrated from
 * the TypeScript sources (tests) and from the compiled JavaScript (`npm start`).
 */
class MigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .map((f) => f.replace(/\.(ts|js)$/, ''))
      .filter((name, i, all) => all.indexOf(name) === i)
      .sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    // Migrations load by name at run time, from .ts (tests) or .js (the build).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(MIGRATIONS_DIR, name));
  }
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The SQLite file a database URL names (for SQLite's online backup), or undefined for PostgreSQL. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  return isPostgresUrl(databaseUrl) ? undefined : databaseUrl;
}

/** The engine's name, for logs. */
export function engineName(databaseUrl: string): 'postgresql' | 'sqlite' {
  return isPostgresUrl(databaseUrl) ? 'postgresql' : 'sqlite';
}

export interface DatabaseOptions {
  searchPath?: string;
  /** PostgreSQL cancels a statement (or its wait for a lock) that runs longer than this. */
  statementTimeoutMs?: number;
  /** A query waits at most this long for a connection from the pool (or a new one to open). */
  acquireTimeoutMs?: number;
}

/** Knex settings for a database URL (PostgreSQL) or SQLite file path. */
export function knexConfig(databaseUrl: string, options: DatabaseOptions = {}): Knex.Config {
  const migrations = { migrationSource: new MigrationSource() };
  // An error names the SQL with its placeholders, never the values (an e-mail, a name) bound to it.
  const compileSqlOnError = false;
  const acquireConnectionTimeout = options.acquireTimeoutMs;
  if (isPostgresUrl(databaseUrl)) {
    return {
      client: 'pg',
      // A frozen database (a lock held, a stuck server) then costs a request seconds, not minutes:
      // it gets a 503 with Retry-After instead of hanging.
      connection: options.statementTimeoutMs
        ? {
            connectionString: databaseUrl,
            statement_timeout: options.statementTimeoutMs,
            connectionTimeoutMillis: options.acquireTimeoutMs,
          }
        : databaseUrl,
      searchPath: options.searchPath ? [options.searchPath] : undefined,
      pool: { min: 0, max: 10, afterCreate: startPostgresSession },
      acquireConnectionTimeout,
      compileSqlOnError,
      migrations,
    };
  }
  if (databaseUrl !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(databaseUrl)), { recursive: true });
  return {
    client: 'sqlite3',
    connection: { filename: databaseUrl },
    useNullAsDefault: true,
    acquireConnectionTimeout,
    compileSqlOnError,
    // One connection: a deferred transaction that reads first cannot be upgraded to a writer
    // while another connection writes (SQLITE_BUSY); one connection serializes them instead.
    pool: { min: 1, max: 1, afterCreate: startSqliteSession },
    migrations,
  };
}

/** Opens a database, for an app or a command to bind its work to (`withDatabase`). */
export function openDatabase(databaseUrl: string, options: DatabaseOptions = {}): Knex {
  const instance = knexFactory(knexConfig(databaseUrl, options));
  watchStorage(instance);
  return instance;
}

/** Makes an existing knex instance the process's database (tests). */
export function useDatabase(instance: Knex): void {
  processDatabase = instance;
  watchStorage(instance);
}

// The database cannot store anything: the disk is full, failing or read-only. Reads may still
// work, so `select 1` alone would call it healthy.
const STORAGE_FAILURES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', '53100', '25006'];
const WRITES = new Set(['insert', 'update', 'del', 'delete']);
// Without writes (a load balancer sends none to an instance it took out) a failure is forgotten after a minute.
const STORAGE_FAILURE_KEPT_MS = 60_000;
interface StorageFailure {
  code: string;
  at: Date;
}
/** Each database's last storage failure; a database that is watched has an entry (undefined when none). */
const storageFailures = new WeakMap<Knex, StorageFailure | undefined>();

/** Notes a failed write (until the next write that succeeds), for `/healthz` to report. */
function watchStorage(instance: Knex): void {
  if (storageFailures.has(instance)) return;
  storageFailures.set(instance, undefined);
  instance.on('query-error', (err: { code?: string }) => {
    const code = String(err?.code ?? '');
    if (STORAGE_FAILURES.some((c) => code === c || code.startsWith(`${c}_`))) storageFailures.set(instance, { code, at: new Date() });
  });
  instance.on('query-response', (_response: unknown, query: { method?: string; sql?: string }) => {
    if (storageFailures.get(instance) && WRITES.has(query?.method ?? '')) storageFailures.set(instance, undefined);
  });
}

/** The last storage failure (disk full, I/O error, read-only database) not yet followed by a successful write. */
export function storageProblem(now = Date.now(), instance: Knex = currentDatabase()): StorageFailure | undefined {
  const failure = storageFailures.get(instance);
  if (failure && now - failure.at.getTime() > STORAGE_FAILURE_KEPT_MS) storageFailures.set(instance, undefined);
  return storageFailures.get(instance);
}

/**
 * Applies pending migrations. Knex's own lock covers only the migrations themselves, not the
 * creation of its tables nor the seeding: instances starting at once go through
 * `migrateAndSeed`, which serializes them with an advisory lock. A MigrationLocked error (a
 * process that does not take that lock, such as an older CLI) is still waited out.
 */
export async function migrateLatest(instance: Knex = db): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await instance.migrate.latest();
      return;
    } catch (err) {
      if ((err as Error).name !== 'MigrationLocked' || attempt >= 60) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Whether this database is PostgreSQL (else SQLite): the engine is told apart here, in db-locks.ts and in db-sql.ts only. */
export function isPostgres(instance: Queryable = db): boolean {
  return instance.client.config.client === 'pg';
}

/**
 * Whether other app instances may work on this database at the same time (PostgreSQL): what one
 * instance kept in its memory, the others would not see. A SQLite file has one instance.
 */
export function sharesAcrossInstances(instance: Queryable = db): boolean {
  return isPostgres(instance);
}

/** Rows of a `knex.raw` result: an array on SQLite, `{ rows }` on PostgreSQL. */
export function rawRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

/**
 * Runs reads that do not depend on each other: side by side on the pool, so that a page waits for
 * the database once for all of them (under load, once per round of queries, behind every other
 * request's); one after another in a transaction, whose one connection runs one query at a time.
 */
export async function readTogether<T extends readonly (() => PromiseLike<unknown>)[]>(
  q: Queryable,
  reads: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  type Results = { [K in keyof T]: Awaited<ReturnType<T[K]>> };
  if (!(q as Knex.Transaction).isTransaction) return (await Promise.all(reads.map((read) => read()))) as Results;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as Results;
}
