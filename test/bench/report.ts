import fs from 'node:fs';
import type { EngineName, SizeName, SizeSpec } from './data';
import type { Measured } from './load';
import type { MachineInfo } from './machine';
import { NOTES } from './notes';

export interface RouteResult {
  key: string;
  label: string;
  staff: boolean;
  /** One of the fixed-cost steps (healthz, a bare page, a signed-in bare page), not an app route of the issue. */
  ladder: boolean;
  method: string;
  path: string;
  firstStatus: number;
  firstBytes: number;
  firstMs: number;
  /** One request just after a new submission (which starts the figures caches over). */
  afterWriteMs?: number;
  /** The highest resident memory sampled while this route was loaded. */
  peakRssMB: number | null;
  /** Server CPU time (all threads) per answered request, warm-up and rounds together: steadier than req/s. */
  cpuMicrosPerRequest?: number | null;
  measured: Measured;
}

export interface SizeRun {
  engine: EngineName;
  size: SizeName;
  spec: SizeSpec;
  counts: { cases: number; engagements: number; served: number };
  busiestCase: { id: number; engagements: number; events: number };
  generationSeconds: number;
  fromCache: boolean;
  memory: { peakMB: number | null; rssMB: number | null; afterSignInMB: number | null; peakAfterSignInMB: number | null };
  routes: RouteResult[];
}

export interface BenchResults {
  machine: MachineInfo;
  options: { sizes: SizeName[]; engines: EngineName[]; seconds: number; rounds: number; warmup: number; connections: number; reuseData: boolean; today: string };
  command: string;
  build: { seconds: number; warning?: string };
  totalSeconds: number;
  baselines: { http: Measured; express: Measured };
  runs: SizeRun[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  margin: string;
  /** Keys of NOTES that explain a miss. */
  notes?: string[];
}

const n0 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const n1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const n2 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const pct = (n: number) => `${n >= 0 ? '+' : ''}${n0(n * 100)} %`;

/** The targets of issue 9, checked on SQLite at size L (and the S to L growth of the dashboard). */
export function checkTargets(r: BenchResults): TargetCheck[] {
  const L = r.runs.find((x) => x.engine === 'sqlite' && x.size === 'L');
  const S = r.runs.find((x) => x.engine === 'sqlite' && x.size === 'S');
  const express = r.baselines.express.rps;
  const checks: TargetCheck[] = [];
  const missing = (target: string, why: string) => checks.push({ target, measured: '—', met: null, margin: why });
  if (!L) {
    missing('Staff pages at L: p99 < 100 ms, ≥ ¼ of Express hello-world', 'not measured: size L was not run on SQLite');
    missing('Intake post at L: ≥ ⅛ of Express hello-world, zero errors', 'not measured: size L was not run on SQLite');
    missing('Server peak memory at L < 250 MB', 'not measured: size L was not run on SQLite');
  } else {
    for (const route of L.routes.filter((x) => x.staff)) {
      const m = route.measured;
      const p99Met = m.p99 < 100;
      checks.push({
        target: `${route.label}: p99 < 100 ms`,
        measured: `${n0(m.p99)} ms`,
        met: p99Met,
        margin: p99Met ? `${n0(100 - m.p99)} ms to spare` : `${n0(m.p99 - 100)} ms over (${n1(m.p99 / 100)}× the limit)`,
        notes: p99Met ? undefined : [route.key],
      });
      const want = express / 4;
      const rateMet = m.rps >= want && m.errors + m.non2xx === 0;
      checks.push({
        target: `${route.label}: ≥ ¼ of Express (${n0(want)} req/s)`,
        measured: `${n0(m.rps)} req/s (${n2(m.rps / express)} of Express)${m.errors + m.non2xx ? `, ${m.errors} errors, ${m.non2xx} non-2xx` : ''}`,
        met: rateMet,
        margin: m.rps >= want ? `${pct(m.rps / want - 1)} above` : `${pct(m.rps / want - 1)}: ${n0(want - m.rps)} req/s short (needs ${n1(want / m.rps)}×)`,
        notes: rateMet ? undefined : ['fixed', route.key],
      });
    }
    const intake = L.routes.find((x) => x.key === 'intake');
    if (intake) {
      const m = intake.measured;
      const want = express / 8;
      const met = m.rps >= want && m.errors === 0 && m.non2xx === 0;
      checks.push({
        target: `Intake POST /api/v1/requests: ≥ ⅛ of Express (${n0(want)} req/s), zero errors`,
        measured: `${n0(m.rps)} req/s (${n2(m.rps / express)} of Express), ${m.errors} errors, ${m.non2xx} non-2xx`,
        met,
        margin: m.rps >= want ? `${pct(m.rps / want - 1)} above` : `${pct(m.rps / want - 1)}: ${n0(want - m.rps)} req/s short (needs ${n1(want / m.rps)}×)`,
        notes: met ? undefined : ['fixed', 'intake'],
      });
    }
    const peak = L.memory.peakMB;
    checks.push({
      target: 'Server peak memory at L < 250 MB',
      measured: peak === null ? 'unknown' : `${n0(peak)} MB (VmHWM)`,
      met: peak === null ? null : peak < 250,
      margin: peak === null ? '/proc not readable' : peak < 250 ? `${n0(250 - peak)} MB to spare` : `${n0(peak - 250)} MB over`,
      notes: peak !== null && peak >= 250 ? ['memory'] : undefined,
    });
  }
  for (const key of ['dashboard', 'dashboard-filtered']) {
    const s = S?.routes.find((x) => x.key === key);
    const l = L?.routes.find((x) => x.key === key);
    if (!s || !l) {
      missing(`${key}: latency at L ≤ 2 × latency at S`, 'not measured: sizes S and L must both run on SQLite');
      continue;
    }
    const ratio = l.measured.mean / s.measured.mean;
    checks.push({
      target: `${l.label}: mean latency at L ≤ 2 × at S`,
      measured: `${n1(s.measured.mean)} ms → ${n1(l.measured.mean)} ms: ${n1(ratio)}× (p99 ${n0(s.measured.p99)} → ${n0(l.measured.p99)} ms)`,
      met: ratio <= 2,
      margin: ratio <= 2 ? `${n1(2 - ratio)}× to spare` : `${n1(ratio / 2)}× the allowed growth (${n1(ratio)}× instead of 2×)`,
      notes: ratio <= 2 ? undefined : ['dashboard-growth'],
    });
  }
  return checks;
}

function routeTable(routes: RouteResult[], r: BenchResults): string[] {
  const http = r.baselines.http.rps;
  const express = r.baselines.express.rps;
  const lines = [
    '| route | req/s | mean ms | p50 ms | p99 ms | errors | non-2xx | × node:http | × Express | server CPU a request | answer | one request after a write | peak RSS under load |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|',
  ];
  for (const route of routes) {
    const m = route.measured;
    lines.push(
      `| ${route.label}${m.slow ? ' †' : ''} | ${m.rps < 10 ? n1(m.rps) : n0(m.rps)} | ${n1(m.mean)} | ${n0(m.p50)} | ${n0(m.p99)} | ${m.errors} | ${m.non2xx} | ${n2(m.rps / http)} | ${n2(m.rps / express)} | ${route.cpuMicrosPerRequest ? `${n0(route.cpuMicrosPerRequest)} µs` : '?'} | ` +
        `${route.firstStatus}, ${route.firstBytes >= 1024 * 1024 ? `${n1(route.firstBytes / 1024 / 1024)} MiB` : `${n1(route.firstBytes / 1024)} KiB`} | ` +
        `${route.afterWriteMs === undefined ? '—' : `${n0(route.afterWriteMs)} ms`} | ${route.peakRssMB === null ? '?' : `${n0(route.peakRssMB)} MB`} |`,
    );
  }
  return lines;
}

/** The @NAME@ marks of a note, filled in with this run's own figures. */
function fillMarks(note: string, r: BenchResults): string {
  const run = (size: SizeName) => r.runs.find((x) => x.engine === 'sqlite' && x.size === size);
  const route = (size: SizeName, key: string) => run(size)?.routes.find((x) => x.key === key);
  const cpu = (size: SizeName, key: string) => {
    const us = route(size, key)?.cpuMicrosPerRequest;
    return us ? `${n0(us)} µs of server CPU a request (${n2(us / (1e6 / r.baselines.express.rps))}× what Express hello-world takes)` : 'not measured in this run';
  };
  const afterWrite = route('L', 'dashboard')?.afterWriteMs;
  const marks: Record<string, string> = {
    ANON: cpu('S', 'ladder-page'),
    SIGNED: cpu('S', 'ladder-signed-in'),
    INTAKE: cpu('L', 'intake'),
    DASHCOLD: afterWrite === undefined ? 'not measured in this run' : `${n1(afterWrite / 1000)} s`,
  };
  return note.replace(/@([A-Z]+)@/g, (mark, name: string) => marks[name] ?? mark);
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [];
  out.push('# Benchmark report', '');
  out.push(`Generated by \`${r.command}\` (test/bench/run.ts) on ${m.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m.commit}${m.dirty ? ' with uncommitted changes' : ''}. Raw numbers: test/bench/results.json.`, '');
  out.push('## Machine', '');
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.platform}`);
  out.push(`- Node ${m.node}; ${m.pinned ? 'server pinned to core 0 and load generator to core 1 (taskset)' : 'not pinned (no taskset or one core): numbers are noisier'}`);
  out.push(`- autocannon, ${r.options.connections} connections; per route a ${r.options.warmup} s warm-up, then ${r.options.rounds} rounds of ${r.options.seconds} s; the medians of the rounds are shown (errors and non-2xx are totals over all rounds)`);
  out.push(`- The app: \`node --max-old-space-size=160 dist/server/index.js\` (as \`npm start\`) with NODE_ENV=production, LOG_LEVEL=warn, a high INTAKE_RATE_LIMIT, signed in as the demo director`);
  out.push(`- Data: \`generateDemo\` (seed 2017, history from 2017-01-09 to ${r.options.today})${r.options.reuseData ? '; --reuse-data: SQLite files copied from a cache when present' : ''}`);
  out.push(`- Whole run: ${n0(r.totalSeconds)} s (${n1(r.totalSeconds / 60)} min); build ${n1(r.build.seconds)} s${r.build.warning ? ` (tsc reported errors; the emitted code was measured)` : ''}`, '');

  out.push('## Baselines', '', '| server | req/s | mean ms | p50 ms | p99 ms | errors |', '|---|--:|--:|--:|--:|--:|');
  for (const [name, b] of [['bare node:http hello-world', r.baselines.http], ['Express 5 hello-world', r.baselines.express]] as const) {
    out.push(`| ${name} | ${n0(b.rps)} | ${n2(b.mean)} | ${n0(b.p50)} | ${n0(b.p99)} | ${b.errors + b.non2xx} |`);
  }
  out.push('', `Express / node:http: ${n2(r.baselines.express.rps / r.baselines.http.rps)}. Run-to-run noise on this machine is large (±40 % measured): compare ratios within one run.`, '');

  for (const run of r.runs) {
    out.push(`## ${run.size} on ${run.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, '');
    out.push(
      `${n0(run.counts.cases)} cases, ${n0(run.counts.engagements)} engagements, ${run.spec.consultants} consultants, ${run.counts.served} jurisdictions served${run.spec.details ? '' : ' (no attendees, messages or notes)'}; ` +
        `${run.fromCache ? 'copied from the cache' : `generated in ${n1(run.generationSeconds)} s`}. Case page: the busiest case (${run.busiestCase.engagements} engagements, ${run.busiestCase.events} timeline events). ` +
        `Server memory: ${run.memory.afterSignInMB ?? '?'} MB resident after start and one sign-in (whose scrypt hash alone peaks at ${run.memory.peakAfterSignInMB ?? '?'} MB), ` +
        `peak ${run.memory.peakMB ?? '?'} MB (VmHWM) over the whole run, ${run.memory.rssMB ?? '?'} MB resident at the end.`,
      '',
    );
    const ladder = run.routes.filter((x) => x.ladder);
    if (ladder.length) out.push('What every request pays before the page does its own work:', '', ...routeTable(ladder, r), '', 'The routes of the issue:', '');
    out.push(...routeTable(run.routes.filter((x) => !x.ladder), r), '');
    if (run.routes.some((x) => x.measured.slow)) {
      out.push(`† Fewer than ${2 * r.options.connections} answers in a ${r.options.seconds} s round: measured instead as one round of ${2 * r.options.connections} requests at ${r.options.connections} connections, however long it took (so p99 is about the slowest of them).`, '');
    }
  }

  const engines = [...new Set(r.runs.map((x) => x.engine))];
  for (const engine of engines) {
    const S = r.runs.find((x) => x.engine === engine && x.size === 'S');
    const L = r.runs.find((x) => x.engine === engine && x.size === 'L');
    if (!S || !L) continue;
    out.push(`## Growth from S to L (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`, '', '| route | mean ms S → L | L / S | p99 ms S → L | req/s S → L |', '|---|--:|--:|--:|--:|');
    for (const l of L.routes.filter((x) => !x.ladder)) {
      const s = S.routes.find((x) => x.key === l.key);
      if (!s) continue;
      out.push(`| ${l.label.replace(/\/cases\/\d+/, '/cases/:id')} | ${n1(s.measured.mean)} → ${n1(l.measured.mean)} | ${n1(l.measured.mean / s.measured.mean)}× | ${n0(s.measured.p99)} → ${n0(l.measured.p99)} | ${n0(s.measured.rps)} → ${n0(l.measured.rps)} |`);
    }
    out.push('');
  }

  out.push('## Targets (issue 9: SQLite, size L, 10 clients)', '', '| target | measured | status | by how much |', '|---|---|---|---|');
  const checks = checkTargets(r);
  for (const c of checks) out.push(`| ${c.target} | ${c.measured} | ${c.met === null ? 'not measured' : c.met ? 'met' : '**not met**'} | ${c.margin} |`);
  out.push('', `Met: ${checks.filter((c) => c.met === true).length} of ${checks.length}; not met: ${checks.filter((c) => c.met === false).length}; not measured: ${checks.filter((c) => c.met === null).length}.`);
  const order = ['fixed', 'dashboard', 'dashboard-growth', 'state', 'case', 'cases', 'csv', 'intake', 'memory'];
  const keys = [...new Set(checks.filter((c) => c.met === false).flatMap((c) => c.notes ?? []))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const slowGeneration = r.runs.some((x) => x.size === 'L' && x.generationSeconds > 30);
  const notes = [...keys, ...(slowGeneration ? ['generation'] : [])].map((k) => NOTES[k]).filter(Boolean).map((note) => fillMarks(note, r));
  if (notes.length) {
    out.push('', '## Why the missed targets are missed', '', 'From CPU profiles of the server under load, each query timed on the L data and EXPLAIN QUERY PLAN: what was fixed and what still costs (test/bench/notes.ts).', '');
    for (const note of notes) out.push(note, '');
  }
  return out.join('\n');
}

/** Writes the markdown report and the raw results; returns the markdown. */
export function writeReport(r: BenchResults, markdownFile: string, jsonFile: string): string {
  const markdown = renderMarkdown(r);
  fs.writeFileSync(markdownFile, `${markdown}\n`);
  fs.writeFileSync(jsonFile, `${JSON.stringify({ ...r, targets: checkTargets(r) }, null, 2)}\n`);
  return markdown;
}
