import { engineName, kib, n0, n1, n2 } from './format';
import type { BenchResults, RouteResult } from './results';

/** The tables of the report: first views, the mixed load, and warm throughput of each route. */
const sizeColumns = (r: BenchResults) => r.runs.map((x) => ({ run: x, head: `${x.size} ${engineName(x.engine)}` }));

export function firstViewTable(r: BenchResults): string[] {
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

export function mixedTable(r: BenchResults): string[] {
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

export function routeTable(routes: RouteResult[]): string[] {
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
