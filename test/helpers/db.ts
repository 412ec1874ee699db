import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { seedReferenceData } from '../../seeds/reference';
import { knexConfig, migrateLatest, useDatabase } from '../../server/db';

export type EngineName = 'sqlite' | 'postgres';

export interface TestDatabase {
  engine: EngineName;
  knex: Knex;
  /** The URL (or SQLite path) and search path a child process would need to open the same database. */
  url: string;
  searchPath?: string;
  destroy(): Promise<void>;
}

/** The engines this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function engines(): EngineName[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, migrated and seeded database of its own, made the process's `db`. */
export async function freshDatabase(engine: EngineName): Promise<TestDatabase> {
  const id = crypto.randomBytes(6).toString('hex');
  if (engine === 'postgres') {
    const url = process.env.TEST_DATABASE_URL as string;
    const schema = `test_${id}`;
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE SCHEMA "${schema}"`);
    await admin.destroy();
    const knex = knexFactory(knexConfig(url, { searchPath: schema }));
    await migrateLatest(knex);
    await seedReferenceData(knex);
    useDatabase(knex);
    return {
      engine,
      knex,
      url,
      searchPath: schema,
      async destroy() {
        await knex.raw(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
        await knex.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-test-'));
  const file = path.join(dir, 'test.sqlite3');
  const knex = knexFactory(knexConfig(file));
  await migrateLatest(knex);
  await seedReferenceData(knex);
  useDatabase(knex);
  return {
    engine,
    knex,
    url: file,
    async destroy() {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a suite once per engine, each with a fresh database made before its first test and
 * dropped after its last. `ctx.db` is only set inside hooks and tests.
 */
export function describeEachEngine(title: string, body: (ctx: { db: TestDatabase; engine: EngineName }) => void): void {
  for (const engine of engines()) {
    describe(`${title} [${engine}]`, function () {
      const ctx = { engine } as { db: TestDatabase; engine: EngineName };
      before(async function () {
        this.timeout(60_000);
        ctx.db = await freshDatabase(engine);
      });
      after(async () => {
        await ctx.db?.destroy();
      });
      body(ctx);
    });
  }
}
