/**
 * `npm run bench`: builds the app, generates S, M and L data sets, starts the built server on
 * each (pinned to core 0) and measures from this process (core 1): the first view of each staff
 * page right after a write, a mixed load of reads and writes, the warm throughput of each route
 * against the stack's signed-in floor page, and an import run beside the serving app. Writes
 * test/bench/REPORT.md and test/bench/results.json. Never part of `npm test`.
 *
 *   npm run bench -- [--sizes S,M,L] [--seconds 3] [--rounds 1] [--warmup 1] [--tries 10] [--mixed-seconds 15] [--import-rows 100000] [--reuse-data]
 *
 * BENCH_DATABASE_URL=postgres://… adds PostgreSQL (a fresh schema per size, dropped afterwards).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword, scryptParams } from '../../server/services/password.service';
import { DEFAULT_SCRYPT_LOG_N } from '../../server/config';
import { todayIn } from '../../server/services/time';
import { DEMO_PASSWORD } from '../../server/demo-password';
import { Dataset, EngineName, postgresDataset, SIZES, sqliteDataset } from './data';
import { canPin, machineInfo, memoryOf, pinSelfToCore } from './machine';
import { CONNECTIONS } from './load';
import { ENTRY, freePort, ROOT } from '../helpers/built-server';
import { Running, startNode, stop, waitUntilUp } from './processes';
import { writeReport } from './report';
import { BenchResults, SizeRun } from './results';
import { firstViews, mixedLoad, staffPages, staffWithToken } from './first-view';
import { importBeside } from './import-beside';
import { Options, parseOptions } from './options';
import { clock, fmt, say, started } from './progress';
import { measureRoutes, sampled } from './routes';
import { createCase, signIn } from './session';

const SERVER_CORE = 0;
const CLIENT_CORE = 1;

// Everything started here is stopped on the way out, also on Ctrl-C.
const live = new Set<Running>();
const cleanups = new Set<() => Promise<void>>();
async function cleanUp() {
  for (const s of live) s.child.kill('SIGKILL');
  for (const c of cleanups) await c().catch(() => undefined);
}
process.on('SIGINT', () => {
  say('interrupted: stopping servers and removing scratch data');
  void cleanUp().then(() => process.exit(130));
});

function build(): { seconds: number; warning?: string } {
  say('building the app (tsc -p tsconfig.json)');
  const t = Date.now();
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  const seconds = (Date.now() - t) / 1000;
  if (r.status === 0) return { seconds };
  // tsc still emits on type errors; another engineer's work in progress should not stop a run.
  if (!fs.existsSync(ENTRY)) throw new Error(`the build failed and ${ENTRY} is missing:\n${r.stdout}${r.stderr}`);
  const warning = `tsc reported errors (the emitted JavaScript was benchmarked anyway):\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 10).join('\n')}`;
  say(`warning: ${warning}`);
  return { seconds, warning };
}
async function runSize(dataset: Dataset, o: Options, core: number | undefined, withImport: boolean): Promise<SizeRun> {
  const port = await freePort();
  const secret = crypto.randomBytes(32).toString('base64url');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-bench-run-'));
  const removeDataDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  cleanups.add(removeDataDir);
  const env = {
    NODE_ENV: 'production',
    SECRET: secret,
    LOG_LEVEL: 'warn',
    DATABASE_URL: dataset.databaseUrl,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    INTAKE_RATE_LIMIT: '1000000',
    // The benchmark signs in with the password alone; second factors are not what it measures.
    MFA_REQUIRED: 'off',
  };
  const tag = `${dataset.size}/${dataset.engine}`;
  // Started as `npm start` starts it, with the same heap limit.
  const server = startNode(`app ${tag}`, ['--max-old-space-size=160', ENTRY], env, port, core);
  live.add(server);
  try {
    await waitUntilUp(server, '/healthz');
    const cookie = await signIn(server.url);
    const { statusPath } = await createCase(server.url);
    const afterSignIn = memoryOf(server.child.pid);
    const staff = { Cookie: cookie };
    const writer = {
      staff: await staffWithToken(server.url, cookie, `/cases/${dataset.writeCase.id}`),
      caseId: dataset.writeCase.id,
      consultantId: dataset.writeCase.leadId,
      date: todayIn('America/New_York'),
    };

    // What people get: each staff page right after a change.
    say(`${tag}: first views after a write, ${o.tries} of each page`);
    const firstView = await firstViews(staffPages(dataset.busiestCase.id), writer, cookie, o.tries, say);

    // Reads and writes together, as a working day brings them.
    say(`${tag}: mixed load, ${MIXED_CLIENTS} clients for ${o.mixedSeconds} s, 1 request in 10 a write`);
    const { value: mixedResult, peakRssMB: mixedPeak } = await sampled(server.child.pid, () =>
      mixedLoad(staffPages(dataset.busiestCase.id, { csvPeriod: MIXED_CSV_PERIOD }), writer, cookie, {
        clients: MIXED_CLIENTS,
        seconds: o.mixedSeconds,
      }),
    );
    const mixed = { ...mixedResult, peakRssMB: mixedPeak, csvPeriod: MIXED_CSV_PERIOD };
    say(
      `  ${fmt(mixed.requests)} requests (${fmt(mixed.writes)} writes), ${mixed.errors} errors; worst page p99 ${fmt(Math.max(...mixed.pages.map((p) => p.p99)))} ms; peak RSS ${mixedPeak ?? '?'} MB`,
    );
    for (const sample of mixed.errorSamples) say(`  error: ${sample}`);

    // Warm throughput, against the stack's own floor: a signed-in page that does nothing of its own.
    const results = await measureRoutes(server, statusPath, dataset.busiestCase.id, staff, o, tag);

    // An import run beside the serving app (the CLI, as an administrator runs it). Last, since it
    // adds its rows to this size's data: every figure above is measured on the data as generated.
    const imported = withImport && o.importRows ? await importBeside(server, dataset, env, cookie, writer.staff, o.importRows) : undefined;
    const memory = { ...memoryOf(server.child.pid), afterSignInMB: afterSignIn.rssMB, peakAfterSignInMB: afterSignIn.peakMB };
    say(`${tag}: server peak memory ${memory.peakMB ?? '?'} MB (VmHWM), now ${memory.rssMB ?? '?'} MB`);
    return {
      engine: dataset.engine,
      size: dataset.size,
      spec: SIZES[dataset.size],
      counts: dataset.counts,
      busiestCase: dataset.busiestCase,
      generationSeconds: dataset.generationSeconds,
      fromCache: dataset.fromCache,
      memory,
      firstView,
      mixed,
      imported,
      routes: results,
    };
  } finally {
    await stop(server);
    live.delete(server);
    await removeDataDir();
    cleanups.delete(removeDataDir);
  }
}

const MIXED_CLIENTS = 10;
// The mixed load exports the dashboard's filtered set: a whole decade of engagements is a download
// of its own (measured apart, in the first views), not a page people reload while they work.
const MIXED_CSV_PERIOD = 'from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH';

async function main() {
  const o = parseOptions();
  if (o.renderOnly) {
    const json = path.join(__dirname, 'results.json');
    const previous = JSON.parse(fs.readFileSync(json, 'utf8')) as BenchResults;
    console.log(writeReport(previous, path.join(__dirname, 'REPORT.md'), json));
    return;
  }
  const pin = canPin() && pinSelfToCore(CLIENT_CORE);
  const core = pin ? SERVER_CORE : undefined;
  say(
    pin
      ? `server on core ${SERVER_CORE}, load generator on core ${CLIENT_CORE}`
      : 'warning: taskset or a second core is missing; server and load share the cores',
  );
  const engines: EngineName[] = process.env.BENCH_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const built = build();
  const today = todayIn('America/New_York');
  // The app's own setting (SCRYPT_LOG_N's default), as every password set through the app has.
  const params = scryptParams(DEFAULT_SCRYPT_LOG_N);
  say(`hashing the demo password (scrypt, N=2^${params.logN}, p=${params.p})`);
  const passwordHash = await hashPassword(DEMO_PASSWORD, params);

  const runs: SizeRun[] = [];
  for (const engine of engines) {
    for (const size of o.sizes) {
      const spec = SIZES[size];
      say(
        `${size}/${engine}: generating ${fmt(spec.cases)} cases and ${fmt(spec.engagements)} engagements${o.reuse && engine === 'sqlite' ? ' (or reusing a cached copy)' : ''}`,
      );
      const g = { today, passwordHash, reuse: o.reuse };
      const dataset =
        engine === 'sqlite' ? await sqliteDataset(size, g) : await postgresDataset(process.env.BENCH_DATABASE_URL as string, size, g);
      cleanups.add(dataset.cleanup);
      say(
        `${size}/${engine}: ${dataset.fromCache ? 'copied from the cache' : `generated in ${fmt(dataset.generationSeconds, 1)} s`}; ${fmt(dataset.counts.cases)} cases, ${fmt(dataset.counts.engagements)} engagements, ${dataset.counts.served} jurisdictions served`,
      );
      try {
        runs.push(
          await runSize(
            dataset,
            o,
            core,
            runs.every((r) => r.engine !== engine),
          ),
        );
      } finally {
        await dataset.cleanup();
        cleanups.delete(dataset.cleanup);
      }
    }
  }

  const results: BenchResults = {
    machine: machineInfo(pin),
    options: {
      sizes: o.sizes,
      engines,
      seconds: o.seconds,
      rounds: o.rounds,
      warmup: o.warmup,
      connections: CONNECTIONS,
      reuseData: o.reuse,
      today,
      tries: o.tries,
      mixedSeconds: o.mixedSeconds,
      mixedClients: MIXED_CLIENTS,
      importRows: o.importRows,
    },
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}${process.env.BENCH_DATABASE_URL ? ' (with BENCH_DATABASE_URL)' : ''}`,
    build: built,
    totalSeconds: (Date.now() - started) / 1000,
    runs,
  };
  const markdown = writeReport(results, path.join(__dirname, 'REPORT.md'), path.join(__dirname, 'results.json'));
  console.log(markdown);
  say(`done in ${clock()}; wrote test/bench/REPORT.md and test/bench/results.json`);
}

main().catch(async (err) => {
  console.error(err);
  await cleanUp();
  process.exit(1);
});
