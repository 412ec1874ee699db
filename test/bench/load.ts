import autocannon from 'autocannon';

export const CONNECTIONS = 10;

/** One measured round of one route. */
export interface Round {
  /** 'duration': as many requests as fit in the round; 'count': a fixed number of requests, however long they take. */
  mode: 'duration' | 'count';
  seconds: number;
  rps: number;
  /** Mean latency (ms): finer than the percentiles, which autocannon keeps in whole milliseconds. */
  mean: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: number;
  statusCodes: Record<string, number>;
}

/** The medians over the rounds of one route, and the rounds themselves. */
export interface Measured {
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  /** Totals over all rounds (not medians): one error is one too many. */
  errors: number;
  non2xx: number;
  requests: number;
  statusCodes: Record<string, number>;
  /** True when a route answered fewer than SLOW_ANSWERS in a timed round and was measured by count instead. */
  slow: boolean;
  /** Requests answered in the warm-up (not in the figures above, but in the server's CPU time). */
  warmupRequests: number;
  rounds: Round[];
}

/** Fewer answers than this in a timed round: too slow to measure by time; measured by count. */
const SLOW_ANSWERS = 2 * CONNECTIONS;

export interface Target {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function once(target: Target, seconds: number, amount?: number): Promise<Round> {
  const result = await autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    body: target.body,
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: seconds }),
    timeout: 120,
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    mode: amount ? 'count' : 'duration',
    seconds: result.duration,
    rps: requests / result.duration,
    mean: result.latency.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    requests,
    statusCodes,
  };
}

/**
 * A warm-up (not kept), then `rounds` rounds of `seconds` each; medians of rate and latency.
 * `settle` runs after each round: it waits until the server has finished the requests that the
 * load generator gave up on, so that one round's backlog does not slow the next.
 */
export async function measure(
  target: Target,
  o: { seconds: number; rounds: number; warmup: number; settle?: () => Promise<void>; onRound?: (i: number, r: Round) => void },
): Promise<Measured> {
  let warmupRequests = 0;
  if (o.warmup > 0) {
    warmupRequests = (await once(target, o.warmup)).requests;
    await o.settle?.();
  }
  let rounds: Round[] = [];
  let slow = false;
  for (let i = 0; i < o.rounds; i += 1) {
    const r = await once(target, o.seconds);
    await o.settle?.();
    o.onRound?.(i, r);
    if (r.requests < SLOW_ANSWERS) {
      // Too slow for a timed round to say anything: one round of a fixed number of requests
      // instead, all at 10 connections, however long it takes.
      slow = true;
      const counted = await once(target, o.seconds, SLOW_ANSWERS);
      await o.settle?.();
      o.onRound?.(i, counted);
      rounds = [counted];
      break;
    }
    rounds.push(r);
  }
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    rps: median(rounds.map((r) => r.rps)),
    mean: median(rounds.map((r) => r.mean)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    statusCodes,
    slow,
    warmupRequests,
    rounds,
  };
}
