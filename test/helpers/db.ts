import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { seedReferenceData } from '../../seeds/reference';
import { knexConfig, migrateLatest, useDatabase } from '../../server/db';
import { describeIfAvailable } from './needs';

export type EngineName = 'sqlite' | 'postgres';

export interface TestDatabase {
  engine: EngineName;
  knex: Knex;
  /** The URL (or SQLite path) and search path a child process would need to open the same database. */
  url: string;
  searchPath?: string;
  destroy(): Promise<void>;
}

/** Both engines; a suite on PostgreSQL runs when TEST_DATABASE_URL is set (under CI=true it must be). */
export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

/** The engines this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function engines(): EngineName[] {
  return ENGINES.filter((engine) => !engineMissing(engine));
}

/** Why a suite on `engine` cannot run here, or undefined when it can. */
export function engineMissing(engine: EngineName): string | undefined {
  return engine === 'postgres' && !process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL is not set, so PostgreSQL is not checked' : undefined;
}

let template: Promise<string> | undefined;

/**
 * A SQLite file migrated and seeded once per test process, which each fresh SQLite database is a
 * copy of: copying takes a millisecond, migrating 0.15 s, and a run makes hundreds.
 */
function sqliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-template-'));
    const file = path.join(dir, 'template.sqlite3');
    const knex = knexFactory(knexConfig(file));
    try {
      await migrateLatest(knex);
      await seedReferenceData(knex);
      // Everything into the main file (WAL), so that the file alone is the whole database.
      await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      await knex.destroy();
    }
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return file;
  })();
  return template;
}

/**
 * A fresh, migrated and seeded database of its own, made the process's `db` unless `current` is
 * false (a second database a test hands to an app of its own, see testApp's `database`).
 */
export async function freshDatabase(engine: EngineName, { current = true }: { current?: boolean } = {}): Promise<TestDatabase> {
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
    if (current) useDatabase(knex);
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
  fs.copyFileSync(await sqliteTemplate(), file);
  const knex = knexFactory(knexConfig(file));
  if (current) useDatabase(knex);
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
export function describeEachEngine(
  title: string,
  body: (ctx: { db: TestDatabase; engine: EngineName }) => void,
  only: readonly EngineName[] = ENGINES,
): void {
  for (const engine of only) {
    describeIfAvailable(`${title} [${engine}]`, engineMissing(engine), function () {
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

/** describeEachEngine on PostgreSQL alone (its limits, its column types). */
export function describeOnPostgres(title: string, body: (ctx: { db: TestDatabase; engine: EngineName }) => void): void {
  describeEachEngine(title, body, ['postgres']);
}
