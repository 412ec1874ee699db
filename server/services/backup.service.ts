import fs from 'node:fs';
import path from 'node:path';

interface SqliteBackup {
  step(pages: number, cb: (err: Error | null) => void): void;
  finish(cb?: (err: Error | null) => void): void;
  completed: boolean;
  failed: boolean;
  pageCount: number;
}
interface SqliteDb {
  backup(file: string): SqliteBackup;
  configure(option: 'busyTimeout', value: number): void;
  get(sql: string, cb: (err: Error | null, row: Record<string, unknown>) => void): void;
  close(cb?: (err: Error | null) => void): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sqlite3 = require('sqlite3') as {
  Database: new (file: string, mode: number, cb: (err: Error | null) => void) => SqliteDb;
  OPEN_READWRITE: number;
  OPEN_READONLY: number;
};

function open(file: string, mode: number): Promise<SqliteDb> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

const close = (db: SqliteDb) => new Promise<void>((resolve) => db.close(() => resolve()));

/** The files SQLite may keep beside a database. */
const sidecars = (file: string) => [`${file}-wal`, `${file}-shm`, `${file}-journal`];

/**
 * The copy inherits the live database's WAL mode, and opening a WAL database (even to read it)
 * leaves -wal and -shm files beside it. Switching the copy to a rollback journal makes it one
 * self-contained file; the app turns WAL back on when it opens a restored copy.
 */
async function makeSelfContained(file: string): Promise<void> {
  const db = await open(file, sqlite3.OPEN_READWRITE);
  try {
    await new Promise<void>((resolve, reject) => db.get('PRAGMA journal_mode = DELETE', (err) => (err ? reject(err) : resolve())));
  } finally {
    await close(db);
  }
  for (const f of sidecars(file)) fs.rmSync(f, { force: true });
}

/**
 * `PRAGMA integrity_check` of a SQLite file: "ok" when it is sound. Opened for writing: FTS5's
 * part of the check (the search index) refuses to run on a read-only connection. The file is the
 * copy, in rollback-journal mode, so this leaves nothing beside it.
 */
async function integrityCheck(file: string): Promise<string> {
  const db = await open(file, sqlite3.OPEN_READWRITE);
  try {
    const row = await new Promise<Record<string, unknown>>((resolve, reject) =>
      db.get('PRAGMA integrity_check', (err, r) => (err ? reject(err) : resolve(r))),
    );
    return String(Object.values(row)[0]);
  } finally {
    await close(db);
  }
}

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API: the app keeps
 * running and writing; the copy is of one moment. It is written beside the target and renamed
 * into place once it passes its integrity check, so a failed backup never leaves half a file.
 */
export async function backupSqlite(source: string, target: string): Promise<{ pages: number; integrity: string }> {
  if (!fs.existsSync(source)) throw new Error(`There is no database at ${source}.`);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file name.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  const db = await open(source, sqlite3.OPEN_READWRITE);
  db.configure('busyTimeout', 5000);
  try {
    const backup = db.backup(partial);
    // -1 copies every page in one step under one read lock; a busy source is retried.
    while (!backup.completed && !backup.failed) {
      await new Promise<void>((resolve, reject) => backup.step(-1, (err) => (err ? reject(err) : resolve())));
    }
    const pages = backup.pageCount;
    await new Promise<void>((resolve) => backup.finish(() => resolve()));
    if (backup.failed) throw new Error('The backup failed.');
    await makeSelfContained(partial);
    const integrity = await integrityCheck(partial);
    if (integrity !== 'ok') throw new Error(`The copy failed its integrity check: ${integrity}`);
    fs.renameSync(partial, target);
    return { pages, integrity };
  } catch (err) {
    for (const f of [partial, ...sidecars(partial)]) fs.rmSync(f, { force: true });
    throw err;
  } finally {
    await close(db);
  }
}
