import { TooManyRequestsError } from '../errors';
import { type Database, boundDatabase } from '../queries/database.queries';
import { countFailure, delayKey, delayedUntil, pruneThrottles } from '../queries/throttle.queries';

/**
 * Growing delays after failed sign-ins, never a hard lock: a key gets `free` failures, then waits
 * 30 s, and each further failure doubles the wait, up to 15 minutes. Only failures count (a
 * correct password is never refused because others were signing in at the same moment), and a
 * key's count starts again an hour after its last failure.
 */
interface ThrottlePolicy {
  free: number;
}

export const THROTTLE = {
  windowMs: 60 * 60_000,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  /** One account from one address: the limit a guesser meets first. */
  pair: { free: 5 },
  /** One account from anywhere: high enough that nobody can keep its owner out from afar cheaply. */
  account: { free: 20 },
  /** One address, whatever account it tries (a password spray). */
  address: { free: 20 },
  /** The second step (code or passkey) of one user. */
  secondStep: { free: 5 },
};

/** How long a key waits after its `failures`-th failure. */
function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.free) return 0;
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.baseDelayMs * 2 ** Math.min(20, failures - policy.free));
}

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const pairKey = (email: string, ip: string) => `${accountKey(email)}|${ip}`;
export const addressKey = (ip: string) => `ip:${ip}`;
export const secondStepKey = (userId: number) => `mfa:${userId}`;

/** The 429 error for a wait until `until`. */
export function waitError(until: number, now: number, what = 'failed sign-ins'): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? '' : 's'}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`;
  return new TooManyRequestsError(`Too many ${what}. Try again in ${wait}.`);
}

/** The end of the longest wait among these keys, or 0 when none waits. */
export function waitUntil(keys: string[], now: number): Promise<number> {
  return delayedUntil(keys, now);
}

/** When each database's expired throttle rows were last removed. */
const lastPrune = new WeakMap<Database, number>();

/** Counts one failure for each key and sets its wait; expired rows are removed now and then. */
export async function noteFailure(keys: [string, ThrottlePolicy][], now: number): Promise<void> {
  for (const [key, policy] of keys) {
    const failures = await countFailure(key, now, THROTTLE.windowMs);
    const delay = delayAfter(failures, policy);
    if (delay > 0) await delayKey(key, now + delay);
  }
  const database = boundDatabase();
  if (now - (lastPrune.get(database) ?? 0) > 10 * 60_000) {
    lastPrune.set(database, now);
    await pruneThrottles(now, THROTTLE.windowMs);
  }
}
