import assert from 'node:assert/strict';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { knexConfig } from '../../server/db';
import { ENGINES, engineMissing } from '../helpers/db';
import { describeIfAvailable } from '../helpers/needs';
import { buildOnce, killAllServers, Spawned } from '../helpers/built-server';
import { apiRequest, createSchema, postgresUrl, startServer, submit, tempDir } from '../helpers/resilience';

const N = 300;

for (const engine of ENGINES) {
  // On PostgreSQL two instances share the database, as behind a load balancer; SQLite has one.
  const instances = engine === 'postgres' ? 2 : 1;

  const title = `Concurrent submissions to the built server [${engine}, ${instances} instance${instances > 1 ? 's' : ''}]`;
  describeIfAvailable(title, engineMissing(engine), function () {
    const scratch = tempDir('leep-concurrency-');
    let knex: Knex;
    let drop: () => Promise<void>;
    let databaseUrl: string;
    const servers: Spawned[] = [];

    before(async function () {
      this.timeout(120_000);
      await buildOnce();
      if (engine === 'postgres') {
        const s = await createSchema(process.env.TEST_DATABASE_URL as string, 'concurrency');
        knex = s.knex;
        drop = s.drop;
        databaseUrl = postgresUrl(process.env.TEST_DATABASE_URL as string, s.schema);
      } else {
        databaseUrl = path.join(scratch.dir, 'leep.sqlite3');
        drop = async () => undefined;
      }
      // One after the other: the first migrates, the second finds nothing left to do.
      // 300 submissions at once queue for the pool and for the reference counter's row lock far
      // longer than the 9 s a request may wait by default (then it gets a 503 with Retry-After):
      // this test is about references, so the servers wait as long as it takes.
      const patient = { DB_STATEMENT_TIMEOUT_MS: '60000', DB_ACQUIRE_TIMEOUT_MS: '60000' };
      for (let i = 0; i < instances; i += 1)
        servers.push(await startServer({ DATABASE_URL: databaseUrl, DATA_DIR: scratch.dir, ...patient }));
      knex ??= knexFactory(knexConfig(databaseUrl));
    });

    after(async () => {
      await killAllServers();
      if (engine === 'sqlite') await knex?.destroy();
      await drop();
      scratch.remove();
    });

    it(`POST /api/v1/requests, ${N} at once${instances > 1 ? ' spread over both instances' : ''}, answers 201 to each with distinct, gap-free references that belong to their own requests`, async function () {
      this.timeout(120_000);
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) => submit(servers[i % instances].url, apiRequest(`Concurrent ${i}`), { timeoutMs: 60_000 })),
      );
      assert.deepEqual(
        answers.filter((a) => a.status !== 201).map((a) => a.status),
        [],
        'every submission answers 201',
      );
      const references = answers.map((a) => a.json?.reference as string);
      assert.equal(new Set(references).size, N, 'no reference given twice');
      const year = references[0].slice(3, 7);
      const expected = Array.from({ length: N }, (_, i) => `TA-${year}-${String(i + 1).padStart(4, '0')}`);
      assert.deepEqual([...references].sort(), expected, 'numbered 1..N without a gap');

      const stored: { reference: string; title: string }[] = await knex('cases').select('reference', 'title');
      assert.equal(stored.length, N);
      const titleOf = new Map(stored.map((r) => [r.reference, r.title]));
      answers.forEach((a, i) => assert.equal(titleOf.get(a.json?.reference as string), `Concurrent ${i}`));
      const counter = await knex('reference_counters')
        .where({ year: Number(year) })
        .first('last');
      assert.equal(Number(counter.last), N);
    });
  });
}
