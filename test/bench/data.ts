import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { generateDemo } from '../../seeds/demo';
import { seedReferenceData } from '../../seeds/reference';
import { knexConfig, migrateLatest } from '../../server/db';
import { ROOT } from '../helpers/built-server';

export type SizeName = 'S' | 'M' | 'L';
export type EngineName = 'sqlite' | 'postgres';

export interface SizeSpec {
  cases: number;
  engagements: number;
  consultants: number;
  jurisdictions: number;
  details: boolean;
}

/** S is LEEP's own scale with every detail; M and L are what years of growth could bring. */
export const SIZES: Record<SizeName, SizeSpec> = {
  S: { cases: 500, engagements: 2_000, consultants: 12, jurisdictions: 16, details: true },
  M: { cases: 5_000, engagements: 40_000, consultants: 50, jurisdictions: 56, details: false },
  L: { cases: 20_000, engagements: 200_000, consultants: 100, jurisdictions: 56, details: false },
};

const SEED = 2017;

export interface Dataset {
  engine: EngineName;
  size: SizeName;
  /** What the server is given as DATABASE_URL. */
  databaseUrl: string;
  /** Seconds generateDemo took (0 when the data came from the cache). */
  generationSeconds: number;
  fromCache: boolean;
  /** The case with the most engagements, for the case page. */
  busiestCase: { id: number; engagements: number; events: number };
  /** An open case with a lead, other than the busiest: the benchmark records its engagements and notes on it. */
  writeCase: { id: number; leadId: number };
  counts: { cases: number; engagements: number; served: number };
  cleanup(): Promise<void>;
}

interface GenerateOptions {
  today: string;
  passwordHash: string;
  /** SQLite only: keep generated files in a cache directory and copy them on the next run. */
  reuse: boolean;
}

const CACHE_DIR = path.join(os.tmpdir(), 'leep-bench-cache');

/** What the generated data depends on: the seeds, the migrations, the size and the day. */
function cacheKey(size: SizeName, today: string): string {
  const hash = crypto.createHash('sha256');
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of [...files(path.join(ROOT, 'seeds')), ...files(path.join(ROOT, 'db', 'migrations'))].sort()) {
    hash.update(file).update(fs.readFileSync(file));
  }
  hash.update(JSON.stringify({ size: SIZES[size], today, seed: SEED }));
  return `${size}-${hash.digest('hex').slice(0, 16)}`;
}

async function fill(knex: Knex, size: SizeName, o: GenerateOptions): Promise<{ seconds: number; served: number }> {
  await migrateLatest(knex);
  await seedReferenceData(knex);
  const spec = SIZES[size];
  const started = process.hrtime.bigint();
  const result = await generateDemo(knex, { ...spec, seed: SEED, today: o.today, passwordHash: o.passwordHash });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, served: result.served.length };
}

async function describe(knex: Knex): Promise<Pick<Dataset, 'busiestCase' | 'counts' | 'writeCase'>> {
  const busiest = (await knex('engagements')
    .select('case_id')
    .count({ n: '*' })
    .groupBy('case_id')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'case_id' }])
    .first()) as { case_id: number; n: number | string } | undefined;
  const caseId = Number(busiest?.case_id);
  const [{ n: events }] = await knex('case_events').where({ case_id: caseId }).count({ n: '*' });
  const [{ n: cases }] = await knex('cases').count({ n: '*' });
  const [{ n: engagements }] = await knex('engagements').count({ n: '*' });
  const served = await knex('engagement_jurisdictions').where({ status: 'delivered' }).countDistinct({ n: 'jurisdiction_code' });
  const open = await knex('cases')
    .whereIn('status', ['assigned', 'in_progress'])
    .whereNotNull('lead_consultant_id')
    .whereNot('id', caseId)
    .orderBy('submitted_at')
    .first('id', 'lead_consultant_id');
  if (!open) throw new Error('the data set has no open case with a lead to record engagements on');
  return {
    writeCase: { id: Number(open.id), leadId: Number(open.lead_consultant_id) },
    busiestCase: { id: caseId, engagements: Number(busiest?.n), events: Number(events) },
    counts: { cases: Number(cases), engagements: Number(engagements), served: Number(served[0].n) },
  };
}

/** A SQLite file in a scratch directory, generated (or copied from the cache) for this size. */
export async function sqliteDataset(size: SizeName, o: GenerateOptions): Promise<Dataset> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `leep-bench-${size}-`));
  const file = path.join(dir, 'bench.sqlite3');
  const cached = path.join(CACHE_DIR, `${cacheKey(size, o.today)}.sqlite3`);
  let seconds = 0;
  let fromCache = false;
  if (o.reuse && fs.existsSync(cached)) {
    fs.copyFileSync(cached, file);
    fromCache = true;
  }
  const knex = knexFactory(knexConfig(file));
  try {
    if (!fromCache) seconds = (await fill(knex, size, o)).seconds;
    // Everything into the main file, so that it can be copied alone.
    await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    const info = await describe(knex);
    await knex.destroy();
    if (o.reuse && !fromCache) {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.copyFileSync(file, `${cached}.tmp`);
      fs.renameSync(`${cached}.tmp`, cached);
    }
    return {
      engine: 'sqlite',
      size,
      databaseUrl: file,
      generationSeconds: seconds,
      fromCache,
      ...info,
      async cleanup() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The URL with a search path, as the server reads it from DATABASE_URL. */
function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-csearch_path=${schema}`);
  return u.toString();
}

/** A fresh schema in BENCH_DATABASE_URL's database, generated for this size, dropped by cleanup. */
export async function postgresDataset(baseUrl: string, size: SizeName, o: GenerateOptions): Promise<Dataset> {
  const schema = `bench_${size.toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  const drop = async () => {
    await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
    await admin.destroy();
  };
  const knex = knexFactory(knexConfig(baseUrl, { searchPath: schema }));
  try {
    const { seconds } = await fill(knex, size, o);
    // A database in service has been vacuumed by autovacuum (its visibility map lets a covering
    // index answer without the table): so is this one, before the measurements rather than during them.
    const tables: string[] = await knex('pg_tables').where('schemaname', schema).pluck('tablename');
    if (!tables.length) throw new Error(`no table in schema ${schema} to vacuum`);
    await knex.raw(
      `VACUUM ANALYZE ${tables.map(() => '??').join(', ')}`,
      tables.map((table) => `${schema}.${table}`),
    );
    const info = await describe(knex);
    await knex.destroy();
    return {
      engine: 'postgres',
      size,
      databaseUrl: withSearchPath(baseUrl, schema),
      generationSeconds: seconds,
      fromCache: false,
      ...info,
      cleanup: drop,
    };
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    await drop();
    throw err;
  }
}
