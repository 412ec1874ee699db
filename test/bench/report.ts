import fs from 'node:fs';
import type { EngineName, SizeName, SizeSpec } from './data';
import type { FirstView, MixedResult } from './first-view';
import type { Measured } from './load';
import type { MachineInfo } from './machine';
import { NOTES } from './notes';

export interface RouteResult {
  key: string;
  label: string;
  staff: boolean;
  /** The floor: a signed-in page that does nothing of its own. */
  ladder: boolean;
  method: string;
  path: string;
  firstStatus: number;
  firstBytes: number;
  firstMs: number;
  /** The highest resident memory sampled while this route was loaded. */
  peakRssMB: number | null;
  /** Server CPU time (all threads) per answered request, warm-up and rounds together: steadier than req/s. */
  cpuMicrosPerRequest?: number | null;
  measured: Measured;
}

/** The CLI import run beside the serving app. */
export interface ImportRun {
  rows: number;
  seconds: number;
  exitCode: number;
  peakRssMB: number | null;
  healthP99: number;
  healthMax: number;
  pageP99: number;
  pageMax: number;
  asked: number;
  failures: number;
  output: string;
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
  firstView: FirstView[];
  mixed: MixedResult & { peakRssMB: number | null; csvPeriod: string };
  imported?: ImportRun;
  routes: RouteResult[];
}

export interface BenchResults {
  machine: MachineInfo;
  options: {
    sizes: SizeName[];
    engines: EngineName[];
    seconds: number;
    rounds: number;
    warmup: number;
    connections: number;
    reuseData: boolean;
    today: string;
    tries: number;
    mixedSeconds: number;
    mixedClients: number;
    importRows: number;
  };
  command: string;
  build: { seconds: number; warning?: string };
  totalSeconds: number;
  runs: SizeRun[];
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  margin: string;
}

const n0 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const n1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const n2 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const engineName = (e: EngineName) => (e === 'sqlite' ? 'SQLite' : 'PostgreSQL');
const kib = (bytes: number) => (bytes >= 1024 * 1024 ? `${n1(bytes / 1024 / 1024)} MiB` : `${n1(bytes / 1024)} KiB`);

const FIRST_VIEW = { median: 150, worst: 300 };
const MIXED_P99 = 250;
const GROWTH = 3;
const MEMORY_MB = 250;
const FLOOR_SHARE = 0.5;
const IMPORT = { rows: 100_000, seconds: 60, rssMB: 300, healthMs: 2000, pageP99Ms: 1000 };

const over = (value: number, limit: number, unit = 'ms') =>
  value <= limit ? `${n0(limit - value)} ${unit} to spare` : `${n0(value - limit)} ${unit} over (${n1(value / limit)}× the limit)`;

/** The targets of issue 17, on each engine at size L (growth: L against S). */
function checkTargets(r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const engine of r.options.engines) {
    const E = engineName(engine);
    const L = r.runs.find((x) => x.engine === engine && x.size === 'L');
    const S = r.runs.find((x) => x.engine === engine && x.size === 'S');
    if (!L) {
      checks.push({ target: `${E}: the targets at size L`, measured: '—', met: null, margin: 'not measured: size L was not run' });
      continue;
    }
    for (const v of L.firstView) {
      const met = v.median <= FIRST_VIEW.median && v.worst <= FIRST_VIEW.worst && v.statuses.every((s) => s === 200);
      checks.push({
        target: `${E} L, first view after a write, ${v.label}: median ≤ ${FIRST_VIEW.median} ms, worst ≤ ${FIRST_VIEW.worst} ms`,
        measured: `${n0(v.median)} / ${n0(v.worst)} ms${v.statuses.some((s) => s !== 200) ? ` (answers ${v.statuses.join(', ')})` : ''}`,
        met,
        margin: met
          ? `${n0(FIRST_VIEW.median - v.median)} ms to spare at the median`
          : v.median > FIRST_VIEW.median
            ? `median ${over(v.median, FIRST_VIEW.median)}`
            : `worst ${over(v.worst, FIRST_VIEW.worst)}`,
      });
    }
    for (const p of L.mixed.pages) {
      const met = p.p99 < MIXED_P99 && p.errors === 0;
      checks.push({
        target: `${E} L, mixed load, ${p.label}: p99 < ${MIXED_P99} ms, 0 errors`,
        measured: `${n0(p.p99)} ms, ${p.errors} errors`,
        met,
        margin: p.errors ? `${p.errors} errors` : over(p.p99, MIXED_P99),
      });
    }
    checks.push({
      target: `${E} L, mixed load: 0 errors (writes included)`,
      measured: `${L.mixed.errors} errors in ${n0(L.mixed.requests)} requests`,
      met: L.mixed.errors === 0,
      margin: L.mixed.errors ? `${L.mixed.errors} errors` : 'none',
    });
    const peak = L.mixed.peakRssMB;
    checks.push({
      target: `${E} L, peak RSS under the mixed load < ${MEMORY_MB} MB`,
      measured: peak === null ? 'unknown' : `${n0(peak)} MB`,
      met: peak === null ? null : peak < MEMORY_MB,
      margin: peak === null ? '/proc not readable' : over(peak, MEMORY_MB, 'MB'),
    });
    if (S) {
      for (const l of L.firstView) {
        const s = S.firstView.find((x) => x.key === l.key);
        if (!s) continue;
        const ratio = l.median / s.median;
        checks.push({
          target: `${E}, growth of the first view, ${l.label}: L / S ≤ ${GROWTH}`,
          measured: `${n0(s.median)} → ${n0(l.median)} ms: ${n1(ratio)}×`,
          met: ratio <= GROWTH,
          margin: ratio <= GROWTH ? `${n1(GROWTH - ratio)}× to spare` : `${n1(ratio / GROWTH)}× the allowed growth`,
        });
      }
    } else checks.push({ target: `${E}, growth L / S ≤ ${GROWTH}`, measured: '—', met: null, margin: 'not measured: size S was not run' });
    const floor = L.routes.find((x) => x.key === 'floor');
    for (const route of L.routes.filter((x) => x.staff)) {
      if (!floor) break;
      const share = route.measured.rps / floor.measured.rps;
      const met = share >= FLOOR_SHARE && route.measured.errors + route.measured.non2xx === 0;
      checks.push({
        target: `${E} L, warm, ${route.label}: ≥ ${FLOOR_SHARE} × the floor page`,
        measured: `${n0(route.measured.rps)} req/s: ${n2(share)} × ${n0(floor.measured.rps)}`,
        met,
        margin: met ? `${n2(share - FLOOR_SHARE)} to spare` : `${n2(share)} of the floor (needs ${n1(FLOOR_SHARE / share)}×)`,
      });
    }
    const imp = r.runs.find((x) => x.engine === engine && x.imported)?.imported;
    if (!imp)
      checks.push({
        target: `${E}: import of ${n0(IMPORT.rows)} rows beside the app`,
        measured: '—',
        met: null,
        margin: 'not measured (--import-rows 0)',
      });
    else {
      const full = imp.rows >= IMPORT.rows;
      const rate = imp.rows / imp.seconds;
      checks.push({
        target: `${E}: ${n0(IMPORT.rows)} rows import in < ${IMPORT.seconds} s, peak RSS < ${IMPORT.rssMB} MB`,
        measured: `${n0(imp.rows)} rows in ${n1(imp.seconds)} s (${n0(rate)} rows/s), peak ${imp.peakRssMB ?? '?'} MB, exit ${imp.exitCode}`,
        met: full ? imp.exitCode === 0 && imp.seconds < IMPORT.seconds && (imp.peakRssMB ?? Infinity) < IMPORT.rssMB : null,
        margin: full
          ? over(imp.seconds, IMPORT.seconds, 's')
          : `run at ${n0(imp.rows)} rows, not ${n0(IMPORT.rows)}; at this rate ${n0(IMPORT.rows)} rows take about ${n0(IMPORT.rows / rate)} s`,
      });
      const served = imp.healthMax <= IMPORT.healthMs && imp.pageP99 <= IMPORT.pageP99Ms && imp.failures === 0;
      checks.push({
        target: `${E}: during the import, /healthz within ${n0(IMPORT.healthMs)} ms and a staff page p99 < ${n0(IMPORT.pageP99Ms)} ms`,
        measured: `/healthz worst ${n0(imp.healthMax)} ms, /cases p99 ${n0(imp.pageP99)} ms, ${imp.failures} failures of ${imp.asked}`,
        met: served,
        margin: served
          ? 'met while it ran'
          : `/healthz ${over(imp.healthMax, IMPORT.healthMs)}, /cases ${over(imp.pageP99, IMPORT.pageP99Ms)}`,
      });
    }
  }
  return checks;
}

/** The @NAME@ marks of a note, filled in with this run's own figures. */
function fillMarks(note: string, r: BenchResults): string {
  const view = (engine: EngineName, size: SizeName, key: string) =>
    r.runs.find((x) => x.engine === engine && x.size === size)?.firstView.find((v) => v.key === key);
  const fv = (engine: EngineName, key: string) => {
    const v = view(engine, 'L', key);
    return v ? `${n0(v.median)} ms (${kib(v.bytes)})` : 'not measured in this run';
  };
  const marks: Record<string, string> = {
    CSVENGSQLITE: fv('sqlite', 'csv-engagements'),
    CSVENGPG: fv('postgres', 'csv-engagements'),
    CSVCASESSQLITE: fv('sqlite', 'csv-cases'),
    CSVCASESPG: fv('postgres', 'csv-cases'),
  };
  return note.replace(/@([A-Z]+)@/g, (mark, name: string) => marks[name] ?? mark);
}

const sizeColumns = (r: BenchResults) => r.runs.map((x) => ({ run: x, head: `${x.size} ${engineName(x.engine)}` }));

function firstViewTable(r: BenchResults): string[] {
  const cols = sizeColumns(r);
  const engines = r.options.engines.filter(
    (e) => r.runs.some((x) => x.engine === e && x.size === 'S') && r.runs.some((x) => x.engine === e && x.size === 'L'),
  );
  const lines = [
    `| page | ${cols.map((c) => c.head).join(' | ')} | ${engines.map((e) => `L / S ${engineName(e)}`).join(' | ')} |`,
    `|---|${cols.map(() => '--:').join('|')}|${engines.map(() => '--:').join('|')}|`,
  ];
  const keys = r.runs[0]?.firstView.map((v) => v.key) ?? [];
  for (const key of keys) {
    const label = r.runs[0].firstView.find((v) => v.key === key)?.label.replace(/\/cases\/\d+/, '/cases/:busiest') ?? key;
    const cells = cols.map((c) => {
      const v = c.run.firstView.find((x) => x.key === key);
      return v ? `${n0(v.median)} / ${n0(v.worst)}${v.statuses.some((s) => s !== 200) ? ` (${v.statuses.join(',')})` : ''}` : '—';
    });
    const growth = engines.map((e) => {
      const s = r.runs.find((x) => x.engine === e && x.size === 'S')?.firstView.find((x) => x.key === key);
      const l = r.runs.find((x) => x.engine === e && x.size === 'L')?.firstView.find((x) => x.key === key);
      return s && l ? `${n1(l.median / s.median)}×` : '—';
    });
    lines.push(`| ${label} | ${cells.join(' | ')} | ${growth.join(' | ')} |`);
  }
  return lines;
}

function mixedTable(r: BenchResults): string[] {
  const cols = sizeColumns(r);
  const lines = [`| request | ${cols.map((c) => c.head).join(' | ')} |`, `|---|${cols.map(() => '--:').join('|')}|`];
  const keys = r.runs[0]?.mixed.pages.map((p) => p.key) ?? [];
  for (const key of keys) {
    const label = r.runs[0].mixed.pages.find((p) => p.key === key)?.label.replace(/\/cases\/\d+/, '/cases/:busiest') ?? key;
    lines.push(
      `| ${label} | ${cols
        .map((c) => {
          const p = c.run.mixed.pages.find((x) => x.key === key);
          return p ? `${n0(p.p50)} / ${n0(p.p99)}${p.errors ? ` (${p.errors} errors)` : ''}` : '—';
        })
        .join(' | ')} |`,
    );
  }
  for (const kind of ['request', 'engagement', 'note']) {
    const label = {
      request: 'write: new request (POST /api/v1/requests)',
      engagement: 'write: engagement recorded (POST /cases/:id/engagements)',
      note: 'write: note added (POST /cases/:id/notes)',
    }[kind];
    lines.push(
      `| ${label} | ${cols
        .map((c) => {
          const w = c.run.mixed.writesByKind.find((x) => x.kind === kind);
          return w ? `${n0(w.p50)} / ${n0(w.p99)}${w.errors ? ` (${w.errors} errors)` : ''}` : '—';
        })
        .join(' | ')} |`,
    );
  }
  lines.push(
    `| requests answered (writes), errors | ${cols.map((c) => `${n0(c.run.mixed.requests)} (${n0(c.run.mixed.writes)}), ${c.run.mixed.errors}`).join(' | ')} |`,
  );
  lines.push(`| requests a second | ${cols.map((c) => n0(c.run.mixed.requests / c.run.mixed.seconds)).join(' | ')} |`);
  lines.push(
    `| server peak RSS under it | ${cols.map((c) => (c.run.mixed.peakRssMB === null ? '?' : `${n0(c.run.mixed.peakRssMB)} MB`)).join(' | ')} |`,
  );
  return lines;
}

function routeTable(routes: RouteResult[]): string[] {
  const floor = routes.find((x) => x.key === 'floor');
  const lines = [
    '| route | req/s | × floor | mean ms | p50 ms | p99 ms | errors | non-2xx | server CPU a request | answer | peak RSS under load |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|',
  ];
  for (const route of routes) {
    const m = route.measured;
    lines.push(
      `| ${route.label}${m.slow ? ' †' : ''} | ${m.rps < 10 ? n1(m.rps) : n0(m.rps)} | ${floor ? n2(m.rps / floor.measured.rps) : '?'} | ${n1(m.mean)} | ${n0(m.p50)} | ${n0(m.p99)} | ${m.errors} | ${m.non2xx} | ` +
        `${route.cpuMicrosPerRequest ? `${n0(route.cpuMicrosPerRequest)} µs` : '?'} | ${route.firstStatus}, ${kib(route.firstBytes)} | ${route.peakRssMB === null ? '?' : `${n0(route.peakRssMB)} MB`} |`,
    );
  }
  return lines;
}

function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const o = r.options;
  const out: string[] = [];
  out.push('# Benchmark report', '');
  out.push(
    `Generated by \`${r.command}\` (test/bench/run.ts) on ${m.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m.commit}${m.dirty ? ' with uncommitted changes' : ''}. Raw numbers: test/bench/results.json.`,
    '',
  );

  out.push(`## First view after a write (ms: median / worst of ${o.tries})`, '');
  out.push(
    `Each try comes right after a new request arrived through the API; for the dashboard, right after an engagement was also recorded as delivered (through the staff form). Nothing is kept between requests: every view computes its figures. Target at L on both engines: median ≤ ${FIRST_VIEW.median} ms, worst ≤ ${FIRST_VIEW.worst} ms; growth L / S ≤ ${GROWTH}.`,
    '',
    ...firstViewTable(r),
    '',
  );
  out.push(`## Mixed load (ms: p50 / p99)`, '');
  out.push(
    `${o.mixedClients} clients for ${o.mixedSeconds} s, each sending its next request when the last is answered: every tenth a write (a new request through the API, an engagement recorded, a note added, in turn), the rest the staff pages in turn. The CSV exports are asked for the dashboard's filtered set (${r.runs[0]?.mixed.csvPeriod ?? ''}). Target at L: p99 of every page < ${MIXED_P99} ms, 0 errors, peak RSS < ${MEMORY_MB} MB.`,
    '',
    ...mixedTable(r),
    '',
  );

  const imports = r.runs.filter((x) => x.imported);
  if (imports.length) {
    out.push(
      '## Import beside the serving app',
      '',
      `\`node dist/server/cli.js import\` of a generated file (five engagements to a case) into the database of the running app, while /healthz and /cases (signed in) are each asked every 100 ms.`,
      '',
    );
    out.push(
      '| engine (data) | rows | seconds | rows/s | import peak RSS | exit | /healthz p99 / worst ms | /cases p99 / worst ms | failed answers |',
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const x of imports) {
      const i = x.imported as ImportRun;
      out.push(
        `| ${engineName(x.engine)} (${x.size}) | ${n0(i.rows)} | ${n1(i.seconds)} | ${n0(i.rows / i.seconds)} | ${i.peakRssMB ?? '?'} MB | ${i.exitCode} | ${n0(i.healthP99)} / ${n0(i.healthMax)} | ${n0(i.pageP99)} / ${n0(i.pageMax)} | ${i.failures} of ${i.asked} |`,
      );
    }
    out.push('');
  }

  out.push('## Targets (issue 17)', '', '| target | measured | status | by how much |', '|---|---|---|---|');
  const checks = checkTargets(r);
  for (const c of checks)
    out.push(`| ${c.target} | ${c.measured} | ${c.met === null ? 'not measured' : c.met ? 'met' : '**not met**'} | ${c.margin} |`);
  out.push(
    '',
    `Met: ${checks.filter((c) => c.met === true).length} of ${checks.length}; not met: ${checks.filter((c) => c.met === false).length}; not measured: ${checks.filter((c) => c.met === null).length}.`,
    '',
  );

  out.push('## Notes', '');
  for (const note of Object.values(NOTES)) out.push(fillMarks(note, r), '');

  out.push('## Machine', '');
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.platform}`);
  out.push(
    `- Node ${m.node}; ${m.pinned ? 'server pinned to core 0 and load generator to core 1 (taskset)' : 'not pinned (no taskset or one core): numbers are noisier'}`,
  );
  out.push(
    `- The app: \`node --max-old-space-size=160 dist/server/index.js\` (as \`npm start\`) with NODE_ENV=production, LOG_LEVEL=warn, a high INTAKE_RATE_LIMIT, signed in as the demo director`,
  );
  out.push(
    `- Data: \`generateDemo\` (seed 2017, history from 2017-01-09 to ${o.today})${o.reuseData ? '; --reuse-data: SQLite files copied from a cache when present' : ''}`,
  );
  out.push(
    `- Warm throughput: autocannon, ${o.connections} connections; per route a ${o.warmup} s warm-up, then ${o.rounds} round(s) of ${o.seconds} s (medians of the rounds; errors and non-2xx are totals)`,
  );
  out.push(
    `- Whole run: ${n0(r.totalSeconds)} s (${n1(r.totalSeconds / 60)} min); build ${n1(r.build.seconds)} s${r.build.warning ? ' (tsc reported errors; the emitted code was measured)' : ''}. Other work shared the machine; run-to-run noise is large.`,
    '',
  );

  out.push('## Warm throughput, against the floor page', '');
  out.push(
    'The floor is a signed-in page that runs no query of its own (the session with its user, CSRF, the layout): what the stack costs before a page does anything. "× floor" is each route\'s rate over the floor\'s, in the same run. Target at L: every staff page ≥ 0.5 × the floor.',
    '',
  );
  for (const run of r.runs) {
    out.push(`### ${run.size} on ${engineName(run.engine)}`, '');
    out.push(
      `${n0(run.counts.cases)} cases, ${n0(run.counts.engagements)} engagements, ${run.spec.consultants} consultants, ${run.counts.served} jurisdictions served${run.spec.details ? '' : ' (no attendees, messages or notes)'}; ` +
        `${run.fromCache ? 'copied from the cache' : `generated in ${n1(run.generationSeconds)} s`}. Case page: the busiest case (${run.busiestCase.engagements} engagements). ` +
        `Server memory: ${run.memory.afterSignInMB ?? '?'} MB resident after start and one sign-in, peak ${run.memory.peakMB ?? '?'} MB (VmHWM) over the whole run.`,
      '',
      ...routeTable(run.routes),
      '',
    );
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
