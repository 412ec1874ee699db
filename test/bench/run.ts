/**
 * `npm run bench`: builds the app, generates S, M and L data sets, starts the built server on
 * each (pinned to core 0) and loads its main routes with autocannon from this process (core 1),
 * beside a bare node:http and an Express hello-world. Writes test/bench/REPORT.md and
 * test/bench/results.json. Never part of `npm test`.
 *
 *   npm run bench -- [--sizes S,M,L] [--seconds 5] [--rounds 3] [--warmup 1] [--reuse-data]
 *
 * BENCH_DATABASE_URL=postgres://… adds PostgreSQL (a fresh schema per size, dropped afterwards).
 */
import { spawnSync } from 'node:child_process';
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
import { CONNECTIONS, measure, Measured, Target } from './load';
import { baselineArgs, ENTRY, freePort, ROOT, Running, startNode, stop, waitUntilUp } from './processes';
import { BenchResults, RouteResult, SizeRun, writeReport } from './report';
import { createCase, intakeBody, probe, signIn } from './session';

const SERVER_CORE = 0;
const CLIENT_CORE = 1;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'S,M,L' },
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
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
        'npm run bench -- [--sizes S,M,L] [--seconds 5] [--rounds 3] [--warmup 1] [--reuse-data] [--render-only]',
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

async function measureBaseline(kind: 'http' | 'express', o: ReturnType<typeof parseOptions>, core: number | undefined): Promise<Measured> {
  const port = await freePort();
  const server = startNode(`${kind} hello-world`, baselineArgs(kind), { NODE_ENV: 'production' }, port, core);
  live.add(server);
  try {
    await waitUntilUp(server, '/');
    say(`baseline ${kind} hello-world: ${o.rounds} × ${o.seconds} s`);
    return await measure({ method: 'GET', url: `${server.url}/` }, { ...o, onRound: (i, r) => say(`  round ${i + 1}/${o.rounds}: ${fmt(r.rps)} req/s, p99 ${r.p99} ms`) });
  } finally {
    await stop(server);
    live.delete(server);
  }
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

async function runSize(dataset: Dataset, o: ReturnType<typeof parseOptions>, core: number | undefined, withLadder: boolean): Promise<SizeRun> {
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
    // What every request pays before a page does its own work: the middleware stack with one
    // trivial query, then a page rendered in the layout, then the same page signed in.
    const ladder: RouteSpec[] = withLadder
      ? [
          { key: 'ladder-healthz', label: 'GET /healthz (middleware + select 1)', staff: false, target: { method: 'GET', url: `${server.url}/healthz` }, expected: 200 },
          { key: 'ladder-page', label: 'GET /requests/received (layout, no query)', staff: false, target: { method: 'GET', url: `${server.url}/requests/received` }, expected: 200 },
          { key: 'ladder-signed-in', label: 'GET /requests/received signed in (+ session and user)', staff: false, target: { method: 'GET', url: `${server.url}/requests/received`, headers: staff }, expected: 200 },
        ]
      : [];
    const routes: RouteSpec[] = [
      { key: 'status', label: 'Status page (public)', staff: false, target: { method: 'GET', url: server.url + statusPath }, expected: 200 },
      { key: 'cases', label: 'Case list /cases', staff: true, target: { method: 'GET', url: `${server.url}/cases`, headers: staff }, expected: 200 },
      { key: 'case', label: `Case page /cases/${dataset.busiestCase.id}`, staff: true, target: { method: 'GET', url: `${server.url}/cases/${dataset.busiestCase.id}`, headers: staff }, expected: 200 },
      { key: 'dashboard', label: 'Dashboard /dashboard', staff: true, target: { method: 'GET', url: `${server.url}/dashboard`, headers: staff }, expected: 200 },
      {
        key: 'dashboard-filtered',
        label: 'Dashboard, filtered (?track=ta&from=2020-01-01&to=2023-12-31)',
        staff: true,
        target: { method: 'GET', url: `${server.url}/dashboard?track=ta&from=2020-01-01&to=2023-12-31`, headers: staff },
        expected: 200,
      },
      { key: 'state', label: 'State page /states/OH', staff: true, target: { method: 'GET', url: `${server.url}/states/OH`, headers: staff }, expected: 200 },
      { key: 'csv', label: 'CSV export /reports/coverage.csv', staff: true, target: { method: 'GET', url: `${server.url}/reports/coverage.csv`, headers: staff }, expected: 200 },
      // Last: every request adds a case, which the pages above would otherwise count.
      {
        key: 'intake',
        label: 'Intake POST /api/v1/requests',
        staff: false,
        target: { method: 'POST', url: `${server.url}/api/v1/requests`, headers: { 'Content-Type': 'application/json' }, body: intakeBody() },
        expected: 201,
      },
    ];
    const all = [...ladder, ...routes];
    // Requests the load generator gave up on still run on the server: wait for them (a health
    // check goes through the same database connection) before the next round starts.
    const settle = async () => {
      await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(300_000) }).then((r) => r.arrayBuffer());
    };
    const results: RouteResult[] = [];
    for (const [i, route] of all.entries()) {
      const init = { method: route.target.method, headers: route.target.headers, body: route.target.body };
      const first = await probe(route.target.url, init, route.expected);
      say(`${tag} ${i + 1}/${all.length} ${route.label}: first answer ${first.status} (${fmt(first.bytes / 1024, 1)} KiB, ${fmt(first.ms, 1)} ms)`);
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
      // The same page once more, just after a new submission: the figures caches start over.
      let afterWriteMs: number | undefined;
      if (route.target.method === 'GET' && !route.key.startsWith('ladder')) {
        await createCase(server.url);
        afterWriteMs = (await probe(route.target.url, init, route.expected)).ms;
      }
      const url = new URL(route.target.url);
      results.push({
        key: route.key,
        label: route.label,
        staff: route.staff,
        ladder: route.key.startsWith('ladder'),
        method: route.target.method,
        path: url.pathname + url.search,
        firstStatus: first.status,
        firstBytes: first.bytes,
        firstMs: first.ms,
        afterWriteMs,
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
      routes: results,
    };
  } finally {
    await stop(server);
    live.delete(server);
    await removeDataDir();
    cleanups.delete(removeDataDir);
  }
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
  say(pin ? `server on core ${SERVER_CORE}, load generator on core ${CLIENT_CORE}` : 'warning: taskset or a second core is missing; server and load share the cores');
  const engines: EngineName[] = process.env.BENCH_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  const built = build();
  const today = todayIn('America/New_York');
  // The app's own setting (SCRYPT_LOG_N's default), as every password set through the app has.
  const params = scryptParams(DEFAULT_SCRYPT_LOG_N);
  say(`hashing the demo password (scrypt, N=2^${params.logN}, p=${params.p})`);
  const passwordHash = await hashPassword(DEMO_PASSWORD, params);

  const baselines = { http: await measureBaseline('http', o, core), express: await measureBaseline('express', o, core) };
  const runs: SizeRun[] = [];
  for (const engine of engines) {
    for (const size of o.sizes) {
      const spec = SIZES[size];
      say(`${size}/${engine}: generating ${fmt(spec.cases)} cases and ${fmt(spec.engagements)} engagements${o.reuse && engine === 'sqlite' ? ' (or reusing a cached copy)' : ''}`);
      const g = { today, passwordHash, reuse: o.reuse };
      const dataset = engine === 'sqlite' ? await sqliteDataset(size, g) : await postgresDataset(process.env.BENCH_DATABASE_URL as string, size, g);
      cleanups.add(dataset.cleanup);
      say(`${size}/${engine}: ${dataset.fromCache ? 'copied from the cache' : `generated in ${fmt(dataset.generationSeconds, 1)} s`}; ${fmt(dataset.counts.cases)} cases, ${fmt(dataset.counts.engagements)} engagements, ${dataset.counts.served} jurisdictions served`);
      try {
        runs.push(await runSize(dataset, o, core, runs.every((r) => r.engine !== engine)));
      } finally {
        await dataset.cleanup();
        cleanups.delete(dataset.cleanup);
      }
    }
  }

  const results: BenchResults = {
    machine: machineInfo(pin),
    options: { sizes: o.sizes, engines, seconds: o.seconds, rounds: o.rounds, warmup: o.warmup, connections: CONNECTIONS, reuseData: o.reuse, today },
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}${process.env.BENCH_DATABASE_URL ? ' (with BENCH_DATABASE_URL)' : ''}`,
    build: built,
    totalSeconds: (Date.now() - started) / 1000,
    baselines,
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
