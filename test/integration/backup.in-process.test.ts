import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import request from 'supertest';
import { knexConfig } from '../../server/db';
import { backupSqlite } from '../../server/services/backup.service';
import { testApp } from '../helpers/app';
import { inspectBackup, keepSubmitting, sqliteAndDir } from '../helpers/backup';
import { requestPayload } from '../helpers/factories';

describe('Backup of the SQLite database, taken in process while the app writes', function () {
  const scratch = sqliteAndDir();

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
    const target = path.join(scratch.dir, 'copy.sqlite3');

    const result = await backupSqlite(scratch.db.url, target);
    await writers.until(writers.acknowledged.length + 5);
    await writers.stop();
    assert.deepStrictEqual(fs.readdirSync(scratch.dir), ['copy.sqlite3'], 'one self-contained file, nothing beside it');

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
      assert.equal(await copy.migrate.currentVersion(), await scratch.db.knex.migrate.currentVersion());
      const [, pending] = await copy.migrate.list();
      assert.deepStrictEqual(pending, [], 'no migration is pending on the copy');
      const stored = Number((await copy('cases').count({ n: '*' }))[0].n);
      assert.equal(stored, backup.references.size);
    } finally {
      await copy.destroy();
    }
  });
});
