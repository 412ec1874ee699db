import { engineName, n0, n1, n2 } from './format';
import type { BenchResults } from './results';

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
  margin: string;
}

export const FIRST_VIEW = { median: 150, worst: 300 };
export const MIXED_P99 = 250;
export const GROWTH = 3;
export const MEMORY_MB = 250;
const FLOOR_SHARE = 0.5;
const IMPORT = { rows: 100_000, seconds: 60, rssMB: 300, healthMs: 2000, pageP99Ms: 1000 };

const over = (value: number, limit: number, unit = 'ms') =>
  value <= limit ? `${n0(limit - value)} ${unit} to spare` : `${n0(value - limit)} ${unit} over (${n1(value / limit)}× the limit)`;

/** The targets of issue 17, on each engine at size L (growth: L against S). */
export function checkTargets(r: BenchResults): TargetCheck[] {
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
          ? [over(imp.seconds, IMPORT.seconds, 's'), `peak RSS ${over(imp.peakRssMB ?? Infinity, IMPORT.rssMB, 'MB')}`].join('; ')
          : `run at ${n0(imp.rows)} rows, not ${n0(IMPORT.rows)}; at this rate ${n0(IMPORT.rows)} rows take about ${n0(IMPORT.rows / rate)} s`,
      });
      // A write that fails while the import runs means the import stopped the app for it.
      const writesFailed = imp.writeFailures ?? 0;
      const served = imp.healthMax <= IMPORT.healthMs && imp.pageP99 <= IMPORT.pageP99Ms && imp.failures === 0 && writesFailed === 0;
      const notes =
        imp.writes === undefined ? '' : `; notes added: worst ${n0(imp.writeMax ?? 0)} ms, ${writesFailed} of ${imp.writes} failed`;
      checks.push({
        target: `${E}: during the import, /healthz within ${n0(IMPORT.healthMs)} ms, a staff page p99 < ${n0(IMPORT.pageP99Ms)} ms, no request failed`,
        measured: `/healthz worst ${n0(imp.healthMax)} ms, /cases p99 ${n0(imp.pageP99)} ms, ${imp.failures} failures of ${imp.asked}${notes}`,
        met: served,
        margin: served
          ? 'met while it ran'
          : `/healthz ${over(imp.healthMax, IMPORT.healthMs)}, /cases ${over(imp.pageP99, IMPORT.pageP99Ms)}${writesFailed ? `; ${writesFailed} notes failed` : ''}`,
      });
    }
  }
  return checks;
}
