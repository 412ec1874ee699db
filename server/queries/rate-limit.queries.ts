import type { Knex } from 'knex';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { currentDatabase } from '../db';

/**
 * Hit counters kept in the `rate_limits` table (RateLimiterPostgres, one upsert a hit), which
 * every instance sharing the database reads: a limit then holds across all of them.
 */

/** A limit's counters: its name (which keeps them apart from other limits' in the table) and its window. */
export interface HitCounter {
  name: string;
  windowSeconds: number;
}

const limiters = new WeakMap<Knex, Map<string, RateLimiterPostgres>>();

/** The limiter of a counter on the current database (made once per database). */
function limiter({ name, windowSeconds }: HitCounter): RateLimiterPostgres {
  const database = currentDatabase();
  let mine = limiters.get(database);
  if (!mine) limiters.set(database, (mine = new Map()));
  const key = `${name}:${windowSeconds}`;
  let found = mine.get(key);
  if (!found) {
    // The table is made by a migration; knex's pool gives the connections (with their search path).
    found = new RateLimiterPostgres({
      keyPrefix: name,
      points: Number.MAX_SAFE_INTEGER,
      duration: windowSeconds,
      storeClient: database,
      storeType: 'knex',
      tableName: 'rate_limits',
      tableCreated: true,
    });
    mine.set(key, found);
  }
  return found;
}

/** Counts one hit of `key`; the hits in its window so far and the milliseconds left in it. */
export async function countHit(counter: HitCounter, key: string): Promise<{ hits: number; msLeft: number }> {
  const res: RateLimiterRes = await limiter(counter).penalty(key, 1);
  return { hits: res.consumedPoints, msLeft: res.msBeforeNext };
}

/** Takes back one hit of `key`. */
export async function uncountHit(counter: HitCounter, key: string): Promise<void> {
  await limiter(counter).reward(key, 1);
}

/** Forgets the hits of `key`. */
export async function clearHits(counter: HitCounter, key: string): Promise<void> {
  await limiter(counter).delete(key);
}
