// What the backup tests share: reading a backup file with the sqlite3 driver, outside the app;
// clients that keep submitting while a backup is taken; and a SQLite database and a directory to
// back it up into.
import fs from 'node:fs';
import { TestDatabase, freshDatabase } from './db';
import { tempDir } from './importing-cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite3 = require('sqlite3') as {
  OPEN_READWRITE: number;
  Database: new (
    file: string,
    mode: number,
    cb: (err: Error | null) => void,
  ) => {
    all(sql: string, cb: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
    close(cb: (err: Error | null) => void): void;
  };
};

/**
 * Runs one query on a SQLite file with the sqlite3 driver, outside the app. Opened for writing:
 * FTS5's part of `PRAGMA integrity_check` refuses a read-only connection (the files are copies).
 */
function readSqlite(file: string, sql: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (err) => {
      if (err) return reject(err);
      db.all(sql, (qerr, rows) => db.close(() => (qerr ? reject(qerr) : resolve(rows))));
    });
  });
}

/** What a backup file holds: its integrity check and every case reference. */
export async function inspectBackup(file: string): Promise<{ integrity: string; references: Set<string> }> {
  const [check] = await readSqlite(file, 'PRAGMA integrity_check');
  const rows = await readSqlite(file, 'SELECT reference FROM cases');
  return { integrity: String(Object.values(check)[0]), references: new Set(rows.map((r) => String(r.reference))) };
}

/**
 * Clients that keep submitting requests until stopped, each waiting for its answer before the
 * next. Every 201 is recorded with the moment it arrived, counted in acknowledgements.
 */
export function keepSubmitting(post: () => Promise<{ status: number; reference?: string }>, clients: number) {
  const acknowledged: string[] = [];
  const failures: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) {
      try {
        const res = await post();
        if (res.status === 201 && res.reference) acknowledged.push(res.reference);
        else failures.push(`status ${res.status}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  });
  return {
    acknowledged,
    failures,
    /** Resolves once at least n requests have been acknowledged. */
    async until(n: number) {
      while (acknowledged.length < n) {
        if (failures.length) throw new Error(`submissions failed: ${failures.slice(0, 3).join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * Inside a describe: a fresh SQLite database (the process's) and a directory of its own, made
 * before the first test and removed after the last.
 */
export function sqliteAndDir(): { db: TestDatabase; dir: string } {
  const made = {} as { db: TestDatabase; dir: string };
  before(async function () {
    this.timeout(60_000);
    made.db = await freshDatabase('sqlite');
    made.dir = tempDir('leep-backup-');
  });
  after(async () => {
    await made.db?.destroy();
    fs.rmSync(made.dir, { recursive: true, force: true });
  });
  return made;
}
