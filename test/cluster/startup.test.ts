import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JURISDICTIONS } from '../../seeds/data/jurisdictions';
import { TOPICS } from '../../seeds/data/topics';
import { describeCluster } from '../helpers/cluster';
import { buildOnce, freePort, killAllServers, ROOT, Spawned, waitHealthy } from '../helpers/built-server';
import { createSchema, postgresUrl, spawnServer } from '../helpers/resilience';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeCluster('Two instances starting at the same moment on an empty PostgreSQL database [postgres]', function () {
  before(async function () {
    this.timeout(120_000);
    await buildOnce();
  });

  after(async () => {
    await killAllServers();
  });

  it('started 0–25 ms apart, 20 times, each on an empty database: both serve, and the migrations and the reference data are applied once', async function () {
    this.timeout(400_000);
    const base = process.env.TEST_DATABASE_URL as string;
    const migrations = new Set(
      fs
        .readdirSync(path.join(ROOT, 'db', 'migrations'))
        .filter((f) => /\.ts$/.test(f))
        .map((f) => f.replace(/\.ts$/, '')),
    ).size;
    // Four tries at a time, each on a schema of its own (the lock is per schema), to keep the suite short.
    const attemptOnce = async (attempt: number) => {
      const schema = await createSchema(base, 'startup');
      const servers: Spawned[] = [];
      try {
        const url = postgresUrl(base, schema.schema);
        const gap = attempt === 0 ? 0 : Math.floor(Math.random() * 26);
        const ports = [await freePort(), await freePort()];
        servers.push(spawnServer({ DATABASE_URL: url }, ports[0]));
        await sleep(gap);
        servers.push(spawnServer({ DATABASE_URL: url }, ports[1]));
        await Promise.all(servers.map((s) => waitHealthy(s, 60_000)));
        for (const s of servers) {
          const res = await fetch(`${s.url}/requests/new`);
          assert.equal(res.status, 200, `try ${attempt} (${gap} ms apart): ${s.url} serves the request form`);
          await res.arrayBuffer();
        }
        const applied = await schema.knex('knex_migrations').select('name');
        assert.equal(applied.length, migrations, `try ${attempt}: each migration recorded once`);
        assert.equal(new Set(applied.map((r) => r.name)).size, migrations);
        const [{ n: jurisdictions }] = await schema.knex('jurisdictions').count({ n: '*' });
        const [{ n: topics }] = await schema.knex('topics').count({ n: '*' });
        assert.equal(Number(jurisdictions), JURISDICTIONS.length, `try ${attempt}: jurisdictions seeded once`);
        assert.equal(Number(topics), TOPICS.length, `try ${attempt}: topics seeded once`);
      } finally {
        await Promise.all(
          servers.map((s) => {
            s.child.kill('SIGKILL');
            return s.exited;
          }),
        );
        await schema.drop();
      }
    };
    for (let first = 0; first < 20; first += 4) await Promise.all([0, 1, 2, 3].map((k) => attemptOnce(first + k)));
  });
});
