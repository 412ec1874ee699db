import type { Options, Store } from 'express-rate-limit';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { sharesAcrossInstances } from './queries/database.queries';
import { HitCounter, clearHits, countHit, uncountHit } from './queries/rate-limit.queries';

/**
 * An express-rate-limit store. When other instances may share the database (PostgreSQL), the
 * counters live in its `rate_limits` table, so a limit holds across every instance; otherwise
 * (SQLite, one instance) they live in this process's memory. The database is the one of the
 * request, as everywhere else in the app.
 */
export class SharedRateLimitStore implements Store {
  readonly localKeys = false;
  private counter: HitCounter;
  private memory?: RateLimiterMemory;

  /** `name` keeps the counters of different limits apart in the shared table. */
  constructor(readonly name: string) {
    this.counter = { name, windowSeconds: 60 };
  }

  init(options: Options): void {
    this.counter = { name: this.name, windowSeconds: Math.max(1, Math.ceil(options.windowMs / 1000)) };
  }

  /** The counters in memory, when the database is not shared. */
  private local(): RateLimiterMemory | undefined {
    if (sharesAcrossInstances()) return undefined;
    return (this.memory ??= new RateLimiterMemory({
      keyPrefix: this.name,
      points: Number.MAX_SAFE_INTEGER,
      duration: this.counter.windowSeconds,
    }));
  }

  async increment(key: string): Promise<{ totalHits: number; resetTime: Date }> {
    const memory = this.local();
    const { hits, msLeft } = memory
      ? await memory.penalty(key, 1).then((res) => ({ hits: res.consumedPoints, msLeft: res.msBeforeNext }))
      : await countHit(this.counter, key);
    return { totalHits: hits, resetTime: new Date(Date.now() + msLeft) };
  }

  async decrement(key: string): Promise<void> {
    const memory = this.local();
    await (memory ? memory.reward(key, 1) : uncountHit(this.counter, key));
  }

  async resetKey(key: string): Promise<void> {
    const memory = this.local();
    await (memory ? memory.delete(key) : clearHits(this.counter, key));
  }
}
