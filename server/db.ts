import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { bool } from './values';

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
export const db: Knex = new Proxy(function database() {} as unknown as Knex, {
  apply: (_target, _this, args: unknown[]) => (currentDatabase() as unknown as (...a: unknown[]) => unknown)(...args),
  get: (_target, property) => {
    const instance = currentDatabase();
    const value: unknown = Reflect.get(instance, property, instance);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(instance) : value;
  },
});

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

/** The parts of a node-sqlite3 Database that the pool's afterCreate calls. */
interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
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
      pool: { min: 0, max: 10 },
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
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        conn.exec(
          [
            // WAL: readers do not block the writer, and a crash loses no committed transaction.
            'PRAGMA journal_mode = WAL;',
            // Wait for a lock held by another process (the CLI, a backup) instead of failing at once.
            'PRAGMA busy_timeout = 5000;',
            // SQLite leaves foreign keys unchecked unless asked, per connection.
            'PRAGMA foreign_keys = ON;',
            // With WAL, NORMAL survives a process crash; FULL would also survive power loss.
            'PRAGMA synchronous = NORMAL;',
            // The planner's statistics, from a sample of each index (30 ms at 200,000
            // engagements): without them SQLite reads every delivered engagement for a report of
            // a few days or of one state, instead of the narrow index.
            'PRAGMA analysis_limit = 1000;',
            'ANALYZE;',
          ].join(' '),
          (err) => done(err, conn),
        );
      },
    },
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

/**
 * Locks the rows a query selects until the transaction ends (`SELECT … FOR UPDATE`) on
 * PostgreSQL, so that a read a write depends on cannot be changed by another writer meanwhile.
 * SQLite needs nothing: it has one writer at a time, and one connection.
 */
export function forUpdate<T extends Knex.QueryBuilder>(query: T): T {
  if ((query as unknown as { client: { config: { client: string } } }).client.config.client === 'pg') query.forUpdate();
  return query;
}

function isPostgres(instance: Queryable = db): boolean {
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

/** Case-insensitive "contains" for search boxes: ILIKE on PostgreSQL, LIKE (ASCII-insensitive) on SQLite. */
export function likeOperator(instance: Queryable = db): string {
  return isPostgres(instance) ? 'ilike' : 'like';
}

/** Escapes %, _ and \ for a LIKE pattern used with `ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL for the seconds between two timestamp columns (`later - earlier`). Column names only,
 * never user input.
 */
export function secondsBetweenSql(later: string, earlier: string, instance: Queryable = db): string {
  return isPostgres(instance) ? `extract(epoch from (${later} - ${earlier}))` : `((julianday(${later}) - julianday(${earlier})) * 86400.0)`;
}

/** SQL that joins the values of a group into one text, separated by "; ". Column names only. */
export function listAggSql(expr: string, instance: Queryable = db): string {
  return isPostgres(instance) ? `string_agg(${expr}::text, '; ' order by ${expr})` : `group_concat(${expr}, '; ')`;
}

/** After rows were inserted with explicit ids, moves PostgreSQL's id sequence past them. */
export async function resetIdSequence(q: Queryable, table: string): Promise<void> {
  if (!isPostgres(q)) return;
  await q.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM ??), 1))`, [table]);
}

/** Inserts many rows in chunks that stay under each engine's limit of bound parameters. */
export async function insertMany(q: Queryable, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const perRow = Object.keys(rows[0]).length;
  // PostgreSQL takes up to 65,535 parameters a statement; knex writes a multi-row insert on
  // SQLite as a compound SELECT, which SQLite limits to 500 terms.
  const chunk = isPostgres(q) ? Math.max(1, Math.floor(60000 / perRow)) : Math.max(1, Math.min(500, Math.floor(30000 / perRow)));
  for (let i = 0; i < rows.length; i += chunk) await q(table).insert(rows.slice(i, i + chunk));
}

/**
 * Serializes the transactions that take the same key until they end: a transaction-scoped
 * advisory lock on PostgreSQL; nothing on SQLite, where one writer at a time is the rule already.
 */
export async function lockForTransaction(trx: Queryable, key: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
}

/** Like `forUpdate`, but others may still read and share-lock the rows (`SELECT … FOR SHARE`): enough to keep them from changing. */
export function forShare<T extends Knex.QueryBuilder>(query: T): T {
  if ((query as unknown as { client: { config: { client: string } } }).client.config.client === 'pg') query.forShare();
  return query;
}

/**
 * What ends a subquery that picks a row to claim: on PostgreSQL, lock it and skip rows another
 * transaction holds; SQLite has one writer at a time, so nothing.
 */
export function skipLockedSql(instance: Queryable = db): string {
  return isPostgres(instance) ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** The words of a search box, lower-cased: letters and digits only, at most eight. */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/** Marks around the matched words of a full-text snippet (control characters no text holds). */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/**
 * The full-text hits for these words (each a prefix, all required) in engagement summaries,
 * internal notes and people's names: rows of (case_id, user_id, source, snippet), with the
 * matched words of the snippet between MATCH_START and MATCH_END. SQLite reads its FTS5 table,
 * PostgreSQL the texts' tsvectors (both kept by migration 2026120450002). `words` come from
 * `searchWords`, so they hold letters and digits only.
 */
export function fullTextHitsSql(words: string[], instance: Queryable = db): Knex.Raw {
  if (!isPostgres(instance)) {
    const match = words.map((w) => `"${w}"*`).join(' ');
    return instance.raw(
      `SELECT case_id, user_id, source, snippet(search_texts, 0, char(2), char(3), '…', 16) AS snippet FROM search_texts WHERE search_texts MATCH ?`,
      [match],
    );
  }
  const query = words.map((w) => `'${w}':*`).join(' & ');
  const headline = (text: string) =>
    `ts_headline('simple', ${text}, q, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=20, MinWords=8')`;
  const nothing = 'CAST(NULL AS integer)';
  return instance.raw(
    `SELECT e.case_id, ${nothing} AS user_id, 'engagement' AS source, ${headline('e.summary')} AS snippet FROM engagements e, to_tsquery('simple', ?) q WHERE to_tsvector('simple', coalesce(e.summary, '')) @@ q
     UNION ALL SELECT n.case_id, ${nothing}, 'note', ${headline('n.body')} FROM case_notes n, to_tsquery('simple', ?) q WHERE to_tsvector('simple', n.body) @@ q
     UNION ALL SELECT ${nothing}, u.id, 'user', ${headline('u.name')} FROM users u, to_tsquery('simple', ?) q WHERE to_tsvector('simple', u.name) @@ q`,
    [query, query, query],
  );
}

/** SQL for a subquery's values joined by commas in their order, e.g. `(… from x where …)` → "a,b". Column names only. */
export function orderedListSql(expr: string, from: string, instance: Queryable = db): string {
  return isPostgres(instance)
    ? `(select string_agg(cast(${expr} as text), ',' order by ${expr}) ${from})`
    : `(select group_concat(${expr}, ',' order by ${expr}) ${from})`;
}
