import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import { withAdvisoryLock } from '../../server/db-locks';
import { PRUNE_LOCK, pruneRecordsOnce } from '../../server/services/retention.service';
import { describeCluster } from '../helpers/cluster';
import { freshDatabase } from '../helpers/db';
import { buildOnce, killAllServers } from '../helpers/built-server';
import { apiRequest, startServer, submit, tempDir } from '../helpers/resilience';

const run = promisify(execFile);

/** The URL of another database on the same server. */
function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  u.search = '';
  return u.toString();
}

describeCluster('Backup and restore of the PostgreSQL database with pg_dump and pg_restore [postgres]', function () {
  const base = process.env.TEST_DATABASE_URL as string;
  const id = crypto.randomBytes(4).toString('hex');
  const names = [`leep_backup_${id}`, `leep_restore_${id}`];
  const admin = knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
  const scratch = tempDir('leep-pgdump-');

  before(async function () {
    this.timeout(120_000);
    await buildOnce();
    for (const name of names) await admin.raw('CREATE DATABASE ??', [name]);
  });

  after(async function () {
    this.timeout(60_000);
    await killAllServers();
    for (const name of names) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => undefined);
    await admin.destroy();
    scratch.remove();
  });

  it('pg_dump --format=custom of the live database, restored with pg_restore --no-owner into an empty one, gives an app that serves every case and status link acknowledged before the dump', async function () {
    this.timeout(120_000);
    const [live, restored] = names.map((name) => databaseUrl(base, name));
    const server = await startServer({ DATABASE_URL: live });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await submit(server.url, apiRequest(`Kept by the backup ${i}`)));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(5).fill(201),
    );

    // The README's commands, while the app runs.
    const dump = path.join(scratch.dir, 'leep.dump');
    await run('pg_dump', ['--format=custom', `--file=${dump}`, live]);
    await run('pg_restore', ['--no-owner', `--dbname=${restored}`, dump]);

    const copy = await startServer({ DATABASE_URL: restored });
    for (const a of answers) {
      const statusPath = new URL(a.json?.status_url as string).pathname;
      const res = await fetch(`${copy.url}${statusPath}`);
      const text = await res.text();
      assert.equal(res.status, 200, `${statusPath} on the restored copy`);
      assert.ok(text.includes(a.json?.reference as string), `the status page names ${a.json?.reference}`);
    }
    // The restored database takes new work where the old one stopped.
    const next = await submit(copy.url, apiRequest('After the restore'));
    assert.equal(next.status, 201);
    const numbers = [...answers, next].map((a) => Number(/-(\d+)$/.exec(a.json?.reference ?? '')?.[1]));
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6], 'references continue without a gap or a repeat');
  });
});

describeCluster('Periodic jobs on several hosts [postgres]', function () {
  it('audit:prune (pruneRecordsOnce), while another host holds the prune lock, does nothing; once it is free, prunes', async function () {
    this.timeout(60_000);
    const db = await freshDatabase('postgres');
    try {
      await db.knex('audit_events').insert({ action: 'test.old', created_at: '2001-01-01T00:00:00.000Z' });
      const left = async () => Number((await db.knex('audit_events').where({ action: 'test.old' }).count({ n: '*' }))[0].n);
      const during = await withAdvisoryLock(db.knex, PRUNE_LOCK, () => pruneRecordsOnce(30));
      assert.equal(during, undefined, 'another host holds the lock: nothing done');
      assert.equal(await left(), 1, 'the old event is still there');
      const afterwards = await pruneRecordsOnce(30);
      assert.ok(afterwards && afterwards.auditEvents >= 1, 'the lock is free: the prune ran');
      assert.equal(await left(), 0, 'the old event was deleted');
    } finally {
      await db.destroy();
    }
  });
});
