/**
 * `npm run bench`: builds the app, generates S, M and L data sets, starts the built server on
 * each (pinned to core 0) and measures from this process (core 1): the first view of each staff
 * page right after a write, a mixed load of reads and writes, the warm throughput of each route
 * against the stack's signed-in floor page, and an import run beside the serving app. Writes
 * test/bench/REPORT.md and test/bench/results.json. Never part of `npm test`.
 *
 *   npm run bench -- [--sizes S,M,L] [--seconds 3] [--rounds 1] [--warmup 1] [--tries 10] [--mixed-seconds 15] [--import-rows 10000] [--reuse-data]
 *
 * BENCH_DATABASE_URL=postgres://… adds PostgreSQL (a fresh schema per size, dropped afterwards).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword, scryptParams } from '../../server/services/password.service';
import { DEFAULT_SCRYPT_LOG_N } from '../../server/config';
import { todayIn } from '../../server/services/time';
import { DEMO_PASSWORD } from '../../server/demo-password';
import { Dataset, EngineName, postgresDataset, SizeName, SIZES, sqliteDataset } from './data';
import { canPin, cpuSecondsOf, machineInfo, memoryOf, pinSelfToCore } from './machine';
import { CONNECTIONS, measure, Target } from './load';
import { ENTRY, freePort, ROOT } from '../helpers/built-server';
import { Running, startNode, stop, waitUntilUp } from './processes';

const CLI = path.join(ROOT, 'dist', 'server', 'cli.js');
import { BenchResults, ImportRun, RouteResult, SizeRun, writeReport } from './report';
import { firstViews, mixedLoad, staffPages, staffWithToken } from './first-view';
import { importFile } from './import-file';
import { createCase, intakeBody, probe, signIn } from './session';

const SERVER_CORE = 0;
const CLIENT_CORE = 1;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'S,M,L' },
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      tries: { type: 'string', default: '10' },
      'mixed-seconds': { type: 'string', default: '15' },
      'import-rows': { type: 'string', default: '10000' },
      warmup: { type: 'string', default: '1' },
      'reuse-data': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'npm run bench -- [--sizes S,M,L] [--seconds 3] [--rounds 1] [--warmup 1] [--tries 10] [--mixed-seconds 15] [--import-rows 10000] [--reuse-data] [--render-only]',
        '  --tries          first views of each staff page, each right after a write',
        '  --mixed-seconds  length of the mixed load (10 clients, 1 request in 10 a write)',
        '  --import-rows    rows of the import run beside the serving app, at the first size of each engine (0: none)',
        '  --reuse-data   copy SQLite data sets from a cache in the temp directory when the seeds and migrations are unchanged',
        '  --render-only  write REPORT.md again from results.json (after notes.ts changed), without measuring',
        'BENCH_DATABASE_URL=postgres://… also runs every size on PostgreSQL (a fresh schema per size).',
      ].join('\n'),
    );
    process.exit(0);
  }
  const sizes = values.sizes.split(',').map((s) => s.trim().toUpperCase());
  for (const s of sizes) if (!(s in SIZES)) throw new Error(`--sizes takes S, M and L, got "${s}"`);
  const whole = (name: string, v: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return Number(v);
  };
  return {
    sizes: (['S', 'M', 'L'] as SizeName[]).filter((s) => sizes.includes(s)),
    seconds: whole('seconds', values.seconds, 1),
    rounds: whole('rounds', values.rounds, 1),
    warmup: whole('warmup', values.warmup, 0),
    tries: whole('tries', values.tries, 1),
    mixedSeconds: whole('mixed-seconds', values['mixed-seconds'], 1),
    importRows: whole('import-rows', values['import-rows'], 0),
    reuse: values['reuse-data'],
    renderOnly: values['render-only'],
  };
}

const started = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const say = (line: string) => process.stderr.write(`[${clock()}] ${line}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

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

interface RouteSpec {
  key: string;
  label: string;
  staff: boolean;
  target: Target;
  expected: number;
}

/** Samples the server's resident memory while `work` runs; returns the work's result and the highest sample. */
async function sampled<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ value: T; peakRssMB: number | null }> {
  let peak: number | null = null;
  const take = () => {
    const rss = memoryOf(pid).rssMB;
    if (rss !== null) peak = Math.max(peak ?? 0, rss);
  };
  const timer = setInterval(take, 200);
  try {
    const value = await work();
    take();
    return { value, peakRssMB: peak };
  } finally {
    clearInterval(timer);
  }
}

async function runSize(
  dataset: Dataset,
  o: ReturnType<typeof parseOptions>,
  core: number | undefined,
  withImport: boolean,
): Promise<SizeRun> {
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

    // An import run beside the serving app (the CLI, as an administrator runs it).
    const imported = withImport && o.importRows ? await importBeside(server, dataset, env, cookie, o.importRows) : undefined;

    // Warm throughput, against the stack's own floor: a signed-in page that does nothing of its own.
    const routes: RouteSpec[] = [
      {
        key: 'floor',
        label: 'Floor: GET /requests/received signed in (session and user, no query of its own)',
        staff: false,
        target: { method: 'GET', url: `${server.url}/requests/received`, headers: staff },
        expected: 200,
      },
      {
        key: 'status',
        label: 'Status page (public)',
        staff: false,
        target: { method: 'GET', url: server.url + statusPath },
        expected: 200,
      },
      {
        key: 'cases',
        label: 'Case list /cases',
        staff: true,
        target: { method: 'GET', url: `${server.url}/cases`, headers: staff },
        expected: 200,
      },
      {
        key: 'case',
        label: `Case page /cases/${dataset.busiestCase.id}`,
        staff: true,
        target: { method: 'GET', url: `${server.url}/cases/${dataset.busiestCase.id}`, headers: staff },
        expected: 200,
      },
      {
        key: 'dashboard',
        label: 'Dashboard /dashboard',
        staff: true,
        target: { method: 'GET', url: `${server.url}/dashboard`, headers: staff },
        expected: 200,
      },
      {
        key: 'dashboard-filtered',
        label: 'Dashboard, filtered (?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH)',
        staff: true,
        target: { method: 'GET', url: `${server.url}/dashboard?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH`, headers: staff },
        expected: 200,
      },
      {
        key: 'state',
        label: 'State page /states/OH',
        staff: true,
        target: { method: 'GET', url: `${server.url}/states/OH`, headers: staff },
        expected: 200,
      },
      {
        key: 'csv',
        label: 'CSV export /reports/coverage.csv',
        staff: true,
        target: { method: 'GET', url: `${server.url}/reports/coverage.csv`, headers: staff },
        expected: 200,
      },
      // Last: every request adds a case, which the pages above would otherwise count.
      {
        key: 'intake',
        label: 'Intake POST /api/v1/requests',
        staff: false,
        target: {
          method: 'POST',
          url: `${server.url}/api/v1/requests`,
          headers: { 'Content-Type': 'application/json' },
          body: intakeBody(),
        },
        expected: 201,
      },
    ];
    // Requests the load generator gave up on still run on the server: wait for them (a health
    // check goes through the same database connection) before the next round starts.
    const settle = async () => {
      await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(300_000) }).then((r) => r.arrayBuffer());
    };
    const results: RouteResult[] = [];
    for (const [i, route] of routes.entries()) {
      const init = { method: route.target.method, headers: route.target.headers, body: route.target.body };
      const first = await probe(route.target.url, init, route.expected);
      say(
        `${tag} ${i + 1}/${routes.length} ${route.label}: first answer ${first.status} (${fmt(first.bytes / 1024, 1)} KiB, ${fmt(first.ms, 1)} ms)`,
      );
      if (!first.ok) say(`  warning: expected ${route.expected}`);
      const cpuBefore = cpuSecondsOf(server.child.pid);
      const { value: measured, peakRssMB } = await sampled(server.child.pid, () =>
        measure(route.target, {
          ...o,
          settle,
          onRound: (n, r) =>
            say(
              `  ${r.mode === 'count' ? `too slow for timed rounds: ${r.requests} requests in ${fmt(r.seconds, 1)} s` : `round ${n + 1}/${o.rounds}`}: ${fmt(r.rps, r.rps < 10 ? 1 : 0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms` +
                `${r.errors + r.non2xx ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : ''}`,
            ),
        }),
      );
      const cpuAfter = cpuSecondsOf(server.child.pid);
      const answered = measured.requests + measured.warmupRequests;
      const cpuMicrosPerRequest = cpuBefore !== null && cpuAfter !== null && answered ? ((cpuAfter - cpuBefore) * 1e6) / answered : null;
      const url = new URL(route.target.url);
      results.push({
        key: route.key,
        label: route.label,
        staff: route.staff,
        ladder: route.key === 'floor',
        method: route.target.method,
        path: url.pathname + url.search,
        firstStatus: first.status,
        firstBytes: first.bytes,
        firstMs: first.ms,
        peakRssMB,
        cpuMicrosPerRequest,
        measured,
      });
    }
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

/**
 * Runs `npm run cli -- import` of a generated file against the serving app's database, while
 * /healthz and a staff page are asked every 100 ms: how long the import takes, its peak memory,
 * and how the app answers meanwhile.
 */
async function importBeside(
  server: Running,
  dataset: Dataset,
  env: Record<string, string>,
  cookie: string,
  rows: number,
): Promise<ImportRun> {
  const file = path.join(os.tmpdir(), `leep-bench-import-${process.pid}.csv`);
  fs.writeFileSync(file, importFile(rows, `bench${Date.now().toString(36)}`));
  say(`${dataset.size}/${dataset.engine}: importing ${fmt(rows)} rows with the CLI while the app serves`);
  const health: number[] = [];
  const page: number[] = [];
  let failures = 0;
  let peakMB: number | null = null;
  const started = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=256', CLI, 'import', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  let running = true;
  void done.then(() => (running = false));
  const ask = async (url: string, headers: Record<string, string>, into: number[]) => {
    const t = performance.now();
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status !== 200) failures += 1;
    } catch {
      failures += 1;
    }
    into.push(performance.now() - t);
  };
  while (running) {
    const hwm = memoryOf(child.pid).peakMB;
    if (hwm !== null) peakMB = Math.max(peakMB ?? 0, hwm);
    await Promise.all([
      ask(`${server.url}/healthz`, {}, health),
      ask(`${server.url}/cases`, { Cookie: cookie }, page),
      new Promise((r) => setTimeout(r, 100)),
    ]);
  }
  const code = await done;
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(file, { force: true });
  const p = (list: number[], q: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;
  };
  const result = {
    rows,
    seconds,
    exitCode: code,
    peakRssMB: peakMB,
    healthP99: p(health, 0.99),
    healthMax: p(health, 1),
    pageP99: p(page, 0.99),
    pageMax: p(page, 1),
    asked: health.length + page.length,
    failures,
    output: output.trim().split('\n').slice(-1)[0] ?? '',
  };
  say(
    `  ${fmt(rows)} rows in ${fmt(seconds, 1)} s (exit ${code}), peak ${peakMB ?? '?'} MB; /healthz p99 ${fmt(result.healthP99)} ms, /cases p99 ${fmt(result.pageP99)} ms, ${failures} failures; ${result.output}`,
  );
  return result;
}

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
