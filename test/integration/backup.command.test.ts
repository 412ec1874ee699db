import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inspectBackup, keepSubmitting } from '../helpers/backup';
import { buildOnce, freePort, spawnBuilt, Spawned, stopServer, waitHealthy } from '../helpers/built-server';
import { requestPayload } from '../helpers/factories';
import { runCli, tempDir } from '../helpers/importing-cli';

describe('Backup of the SQLite database, taken from the command line while the app takes submissions', function () {
  let dataDir: string;
  let server: Spawned | undefined;

  before(async function () {
    this.timeout(120_000);
    dataDir = tempDir('leep-backup-');
    await buildOnce();
  });

  after(async () => {
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm run cli -- backup <file>, while clients keep submitting requests, writes a copy that passes integrity_check and holds every case acknowledged before it began', async function () {
    this.timeout(120_000);
    const port = await freePort();
    server = spawnBuilt(
      { NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', INTAKE_RATE_LIMIT: '1000000' },
      port,
    );
    await waitHealthy(server, 60_000);
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
