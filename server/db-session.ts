// The settings each new connection of the app starts with, per engine: the pool's afterCreate
// hooks, which knexConfig in db.ts chooses between.

type Done = (err: Error | null, conn: unknown) => void;

/** The part of a node-sqlite3 Database that the hook calls. */
interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/** The part of a node-postgres Client that the hook calls. */
interface PostgresConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** A new SQLite connection: write-ahead log, busy wait, foreign keys, and the planner's statistics. */
export function startSqliteSession(conn: SqliteConnection, done: Done): void {
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
}

/**
 * A new SQLite connection that only reads (beside the writer, `readerOf` in db.ts): it waits for
 * a lock as the writer does, and refuses any write, so that a query sent to it by mistake fails
 * in the tests instead of racing the writer. The writer set WAL and ANALYZE for the file.
 */
export function startSqliteReader(conn: SqliteConnection, done: Done): void {
  conn.exec('PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;', (err) => done(err, conn));
}

/**
 * A new PostgreSQL connection: the planner's cost of a random page read. At PostgreSQL's default
 * (4, spinning disks) it hash-joins every row of a link table (the jurisdictions, topics or
 * consultants of 200,000 engagements) to count the few days of a month cut by a report's period,
 * where an index lookup per engagement is 10 to 20 times quicker: 1.1 is PostgreSQL's own advice
 * for SSDs and for data that fits in memory.
 */
export function startPostgresSession(conn: PostgresConnection, done: Done): void {
  conn.query('SET random_page_cost = 1.1', (err) => done(err, conn));
}
