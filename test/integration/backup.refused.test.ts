import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { backupSqlite } from '../../server/services/backup.service';
import { testApp } from '../helpers/app';
import { inspectBackup, sqliteAndDir } from '../helpers/backup';
import { requestPayload } from '../helpers/factories';
import { runCli, tempDir } from '../helpers/importing-cli';

describe('Backup command, refusals', function () {
  const scratch = sqliteAndDir();

  it('npm run cli -- backup <file>, when the file already exists, exits non-zero and leaves the file untouched', async function () {
    this.timeout(60_000);
    const target = path.join(scratch.dir, 'existing.sqlite3');
    fs.writeFileSync(target, 'yesterday’s backup');
    const before = fs.statSync(target);

    const run = await runCli(['backup', target], { DATABASE_URL: scratch.db.url, DATA_DIR: scratch.dir });

    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /already exists/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'yesterday’s backup');
    assert.equal(fs.statSync(target).mtimeMs, before.mtimeMs);
    assert.deepStrictEqual(
      fs.readdirSync(scratch.dir).filter((f) => f.startsWith('existing.sqlite3')),
      ['existing.sqlite3'],
      'no partial file is left',
    );
  });

  it('npm run cli -- backup <file>, with a PostgreSQL DATABASE_URL, exits 2 saying to use pg_dump and writes no file', async function () {
    this.timeout(60_000);
    const target = path.join(scratch.dir, 'pg.sqlite3');
    const run = await runCli(['backup', target], { DATABASE_URL: 'postgres://leep:secret@127.0.0.1:1/leep', DATA_DIR: scratch.dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /pg_dump/);
    assert.ok(!fs.existsSync(target));
  });

  it('npm run cli -- backup, without a file or with two, exits 2 with the usage', async function () {
    this.timeout(60_000);
    for (const args of [['backup'], ['backup', path.join(scratch.dir, 'a.sqlite3'), path.join(scratch.dir, 'b.sqlite3')]]) {
      const run = await runCli(args, { DATABASE_URL: scratch.db.url, DATA_DIR: scratch.dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /backup needs one argument/);
    }
    assert.ok(!fs.existsSync(path.join(scratch.dir, 'a.sqlite3')));
  });

  it('npm run cli -- backup <file>, with no database in DATA_DIR, exits non-zero, creates no database and writes no file', async function () {
    this.timeout(60_000);
    const empty = tempDir('leep-backup-empty-');
    try {
      const target = path.join(scratch.dir, 'nothing.sqlite3');
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
    const target = path.join(scratch.dir, 'beside.sqlite3');
    await backupSqlite(scratch.db.url, target);
    const backup = await inspectBackup(target);
    assert.equal(backup.integrity, 'ok');
    assert.ok(backup.references.has(made.body.reference));
    await assert.rejects(backupSqlite(scratch.db.url, target), /already exists/);
  });
});
