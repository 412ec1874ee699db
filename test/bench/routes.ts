import { Running } from './processes';
import { cpuSecondsOf, memoryOf } from './machine';
import { measure, Target } from './load';
import { Options } from './options';
import { fmt, say } from './progress';
import { RouteResult } from './results';
import { intakeBody, probe } from './session';

interface RouteSpec {
  key: string;
  label: string;
  staff: boolean;
  target: Target;
  expected: number;
}

/** Samples the server's resident memory while `work` runs; returns the work's result and the highest sample. */
export async function sampled<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ value: T; peakRssMB: number | null }> {
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

/** The routes of the warm-throughput runs, the stack's own floor first: a signed-in page that does nothing of its own. */
function warmRoutes(url: string, statusPath: string, busiestCaseId: number, staff: Record<string, string>): RouteSpec[] {
  return [
    {
      key: 'floor',
      label: 'Floor: GET /requests/received signed in (session and user, no query of its own)',
      staff: false,
      target: { method: 'GET', url: `${url}/requests/received`, headers: staff },
      expected: 200,
    },
    {
      key: 'status',
      label: 'Status page (public)',
      staff: false,
      target: { method: 'GET', url: url + statusPath },
      expected: 200,
    },
    {
      key: 'cases',
      label: 'Case list /cases',
      staff: true,
      target: { method: 'GET', url: `${url}/cases`, headers: staff },
      expected: 200,
    },
    {
      key: 'case',
      label: `Case page /cases/${busiestCaseId}`,
      staff: true,
      target: { method: 'GET', url: `${url}/cases/${busiestCaseId}`, headers: staff },
      expected: 200,
    },
    {
      key: 'dashboard',
      label: 'Dashboard /dashboard',
      staff: true,
      target: { method: 'GET', url: `${url}/dashboard`, headers: staff },
      expected: 200,
    },
    {
      key: 'dashboard-filtered',
      label: 'Dashboard, filtered (?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH)',
      staff: true,
      target: { method: 'GET', url: `${url}/dashboard?from=2020-01-01&to=2023-12-31&track=ta&jurisdiction=OH`, headers: staff },
      expected: 200,
    },
    {
      key: 'state',
      label: 'State page /states/OH',
      staff: true,
      target: { method: 'GET', url: `${url}/states/OH`, headers: staff },
      expected: 200,
    },
    {
      key: 'csv',
      label: 'CSV export /reports/coverage.csv',
      staff: true,
      target: { method: 'GET', url: `${url}/reports/coverage.csv`, headers: staff },
      expected: 200,
    },
    // Last: every request adds a case, which the pages above would otherwise count.
    {
      key: 'intake',
      label: 'Intake POST /api/v1/requests',
      staff: false,
      target: {
        method: 'POST',
        url: `${url}/api/v1/requests`,
        headers: { 'Content-Type': 'application/json' },
        body: intakeBody(),
      },
      expected: 201,
    },
  ];
}

/** Warm throughput of each route, with its first answer, the server's CPU time and peak memory. */
export async function measureRoutes(
  server: Running,
  statusPath: string,
  busiestCaseId: number,
  staff: Record<string, string>,
  o: Options,
  tag: string,
): Promise<RouteResult[]> {
  const routes = warmRoutes(server.url, statusPath, busiestCaseId, staff);
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
  return results;
}
