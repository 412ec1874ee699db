import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import request from 'supertest';
import { knexConfig } from '../../server/db';
import { backupSqlite } from '../../server/services/backup.service';
import { testApp } from '../helpers/app';
import { freePort, ROOT } from '../helpers/built-server';
import { TestDatabase, freshDatabase } from '../helpers/db';
import { requestPayload } from '../helpers/factories';
import { runCli, tempDir } from '../helpers/importing-cli';

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
async function inspectBackup(file: string): Promise<{ integrity: string; references: Set<string> }> {
  const [check] = await readSqlite(file, 'PRAGMA integrity_check');
  const rows = await readSqlite(file, 'SELECT reference FROM cases');
  return { integrity: String(Object.values(check)[0]), references: new Set(rows.map((r) => String(r.reference))) };
}

/**
 * Clients that keep submitting requests until stopped, each waiting for its answer before the
 * next. Every 201 is recorded with the moment it arrived, counted in acknowledgements.
 */
function keepSubmitting(post: () => Promise<{ status: number; reference?: string }>, clients: number) {
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

describe('Backup of the SQLite database, taken from the command line while the app takes submissions', function () {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let serverErr = '';

  before(() => {
    dataDir = tempDir('leep-backup-');
  });

  after(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm run cli -- backup <file>, while clients keep submitting requests, writes a copy that passes integrity_check and holds every case acknowledged before it began', async function () {
    this.timeout(120_000);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      INTAKE_RATE_LIMIT: '1000000',
    };
    delete env.DATABASE_URL;
    server = spawn(process.execPath, ['--require', 'tsx/cjs', 'server/index.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr?.on('data', (d) => (serverErr += d));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the app exited with ${server.exitCode}: ${serverErr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the app did not start: ${serverErr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let n = 0;
    const writers = keepSubmitting(async () => {
      n += 1;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/requests`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(requestPayload({ title: `Backup check ${n}` })),
      });
      const body = (await res.json()) as { reference?: string };
      return { status: res.status, reference: body.reference };
    }, 4);

    await writers.until(25);
    const beforeBackup = [...writers.acknowledged];
    const target = path.join(dataDir, 'backups', 'leep-backup.sqlite3');
    const run = await runCli(['backup', target], { DATA_DIR: dataDir });
    const duringBackup = writers.acknowledged.length - beforeBackup.length;
    await writers.until(writers.acknowledged.length + 10);
    await writers.stop();

    assert.deepStrictEqual(writers.failures, [], 'every submission was acknowledged');
    assert.ok(duringBackup > 0, 'submissions went on while the backup command ran');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Backed up .*leep\.sqlite3 to .*leep-backup\.sqlite3 \(\d+ pages, integrity ok\)/m);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(target)), ['leep-backup.sqlite3'], 'no partial file is left beside the backup');

    const backup = await inspectBackup(target);
    assert.equal(backup.integrity, 'ok');
    const missing = beforeBackup.filter((ref) => !backup.references.has(ref));
    assert.deepStrictEqual(missing, [], 'every case acknowledged before the backup began is in it');
    const all = new Set(writers.acknowledged);
    assert.deepStrictEqual(
      [...backup.references].filter((ref) => !all.has(ref)),
      [],
      'the backup holds only cases that were acknowledged',
    );
  });
});

describe('Backup of the SQLite database, taken in process while the app writes', function () {
  let db: TestDatabase;
  let dir: string;

  before(async function () {
    this.timeout(60_000);
    db = await freshDatabase('sqlite');
    dir = tempDir('leep-backup-');
  });
  after(async () => {
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backupSqlite, on the live file while the app keeps writing, gives a copy with integrity ok, every acknowledged case, and the same schema', async function () {
    this.timeout(60_000);
    const { app } = testApp();
    const writers = keepSubmitting(async () => {
      const res = await request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ title: 'In-process backup check' }));
      return { status: res.status, reference: res.body.reference };
    }, 3);
    await writers.until(20);
    const beforeBackup = [...writers.acknowledged];
    const target = path.join(dir, 'copy.sqlite3');

    const result = await backupSqlite(db.url, target);
    await writers.until(writers.acknowledged.length + 5);
    await writers.stop();
    assert.deepStrictEqual(fs.readdirSync(dir), ['copy.sqlite3'], 'one self-contained file, nothing beside it');

    assert.deepStrictEqual(writers.failures, []);
    assert.equal(result.integrity, 'ok');
    assert.ok(result.pages > 0);
    const backup = await inspectBackup(target);
    assert.equal(backup.integrity, 'ok');
    assert.deepStrictEqual(
      beforeBackup.filter((ref) => !backup.references.has(ref)),
      [],
    );

    // The copy is a whole database the app can open: the same migrations, nothing pending.
    const copy = knexFactory(knexConfig(target));
    try {
      assert.equal(await copy.migrate.currentVersion(), await db.knex.migrate.currentVersion());
      const [, pending] = await copy.migrate.list();
      assert.deepStrictEqual(pending, [], 'no migration is pending on the copy');
      const stored = Number((await copy('cases').count({ n: '*' }))[0].n);
      assert.equal(stored, backup.references.size);
    } finally {
      await copy.destroy();
    }
  });
});

describe('Backup command, refusals', function () {
  let db: TestDatabase;
  let dir: string;

  before(async function () {
    this.timeout(60_000);
    db = await freshDatabase('sqlite');
    dir = tempDir('leep-backup-');
  });
  after(async () => {
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm run cli -- backup <file>, when the file already exists, exits non-zero and leaves the file untouched', async function () {
    this.timeout(60_000);
    const target = path.join(dir, 'existing.sqlite3');
    fs.writeFileSync(target, 'yesterday’s backup');
    const before = fs.statSync(target);

    const run = await runCli(['backup', target], { DATABASE_URL: db.url, DATA_DIR: dir });

    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /already exists/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'yesterday’s backup');
    assert.equal(fs.statSync(target).mtimeMs, before.mtimeMs);
    assert.deepStrictEqual(
      fs.readdirSync(dir).filter((f) => f.startsWith('existing.sqlite3')),
      ['existing.sqlite3'],
      'no partial file is left',
    );
  });

  it('npm run cli -- backup <file>, with a PostgreSQL DATABASE_URL, exits 2 saying to use pg_dump and writes no file', async function () {
    this.timeout(60_000);
    const target = path.join(dir, 'pg.sqlite3');
    const run = await runCli(['backup', target], { DATABASE_URL: 'postgres://leep:secret@127.0.0.1:1/leep', DATA_DIR: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /pg_dump/);
    assert.ok(!fs.existsSync(target));
  });

  it('npm run cli -- backup, without a file or with two, exits 2 with the usage', async function () {
    this.timeout(60_000);
    for (const args of [['backup'], ['backup', path.join(dir, 'a.sqlite3'), path.join(dir, 'b.sqlite3')]]) {
      const run = await runCli(args, { DATABASE_URL: db.url, DATA_DIR: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /backup needs one argument/);
    }
    assert.ok(!fs.existsSync(path.join(dir, 'a.sqlite3')));
  });

  it('npm run cli -- backup <file>, with no database in DATA_DIR, exits non-zero, creates no database and writes no file', async function () {
    this.timeout(60_000);
    const empty = tempDir('leep-backup-empty-');
    try {
      const target = path.join(dir, 'nothing.sqlite3');
      const run = await runCli(['backup', target], { DATA_DIR: empty, DATABASE_URL: '' });
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /no database/i);
      assert.ok(!fs.existsSync(target));
      assert.ok(!fs.existsSync(path.join(empty, 'leep.sqlite3')), 'the backup did not create an empty database');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('backupSqlite, to a file beside the live one, copies it whole while it is open in the app', async function () {
    this.timeout(60_000);
    const { app } = testApp();
    const made = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(made.status, 201);
    const target = path.join(dir, 'beside.sqlite3');
    await backupSqlite(db.url, target);
    const backup = await inspectBackup(target);
    assert.equal(backup.integrity, 'ok');
    assert.ok(backup.references.has(made.body.reference));
    await assert.rejects(backupSqlite(db.url, target), /already exists/);
  });
});
