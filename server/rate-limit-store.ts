import type { Options, Store } from 'express-rate-limit';
import type { Knex } from 'knex';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { db, isPostgres } from './db';

/**
 * An express-rate-limit store over rate-limiter-flexible. On PostgreSQL the counters live in the
 * `rate_limits` table (RateLimiterPostgres, one upsert a hit), so a limit holds across every
 * instance sharing the database; on SQLite (one instance) they live in memory. The database is
 * the one `db` of the moment a request arrives, as everywhere else in the app.
 */
export class SharedRateLimitStore implements Store {
  readonly localKeys = false;
  private windowSeconds = 60;
  private memory?: RateLimiterMemory;
  private readonly onPostgres = new WeakMap<Knex, RateLimiterPostgres>();

  /** `name` keeps the counters of different limits apart in the shared table. */
  constructor(readonly name: string) {}

  init(options: Options): void {
    this.windowSeconds = Math.max(1, Math.ceil(options.windowMs / 1000));
  }

  private limiter(): RateLimiterAbstract {
    const shared = { keyPrefix: this.name, points: Number.MAX_SAFE_INTEGER, duration: this.windowSeconds };
    if (!isPostgres(db)) return (this.memory ??= new RateLimiterMemory(shared));
    let limiter = this.onPostgres.get(db);
    if (!limiter) {
      // The table is made by a migration; knex's pool gives the connections (with their search path).
      limiter = new RateLimiterPostgres({ ...shared, storeClient: db, storeType: 'knex', tableName: 'rate_limits', tableCreated: true });
      this.onPostgres.set(db, limiter);
    }
    return limiter;
  }

  async increment(key: string): Promise<{ totalHits: number; resetTime: Date }> {
    const res: RateLimiterRes = await this.limiter().penalty(key, 1);
    return { totalHits: res.consumedPoints, resetTime: new Date(Date.now() + res.msBeforeNext) };
  }

  async decrement(key: string): Promise<void> {
    await this.limiter().reward(key, 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.limiter().delete(key);
  }
}
