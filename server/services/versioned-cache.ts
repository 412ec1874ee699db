import type { Knex } from 'knex';
import { db } from '../db';

interface Entry<T> {
  version: string;
  value: T;
  size: number;
}

interface Store<T> {
  entries: Map<string, Entry<T>>;
  size: number;
}

/**
 * Values kept in the process while the data version they were made at is current (see
 * figures-cache.ts): the least recently used goes first once there are more than `entries` of them
 * or their sizes add up past `size`. One store per database, since tests give each file its own.
 */
export class VersionedCache<T> {
  private readonly stores = new WeakMap<Knex, Store<T>>();

  constructor(
    private readonly limits: { entries: number; size?: number },
    private readonly sizeOf: (value: T) => number = () => 0,
  ) {}

  private store(): Store<T> {
    let s = this.stores.get(db);
    if (!s) {
      s = { entries: new Map(), size: 0 };
      this.stores.set(db, s);
    }
    return s;
  }

  private drop(s: Store<T>, key: string): void {
    const old = s.entries.get(key);
    if (!old) return;
    s.entries.delete(key);
    s.size -= old.size;
  }

  /** The value kept for `key`, if it was made at this data version. */
  get(key: string, version: string): T | undefined {
    const s = this.store();
    const hit = s.entries.get(key);
    if (!hit) return undefined;
    if (hit.version !== version) {
      this.drop(s, key);
      return undefined;
    }
    // Most recently used last, so that the least recently used goes first.
    s.entries.delete(key);
    s.entries.set(key, hit);
    return hit.value;
  }

  /** Keeps `value` for `key` until the data version moves on (or room runs out); one too large to share the room is not kept. */
  set(key: string, version: string, value: T): void {
    const s = this.store();
    const size = this.sizeOf(value);
    if (this.limits.size !== undefined && size > this.limits.size / 4) return;
    this.drop(s, key);
    s.entries.set(key, { version, value, size });
    s.size += size;
    while (s.entries.size > this.limits.entries || (this.limits.size !== undefined && s.size > this.limits.size)) {
      this.drop(s, s.entries.keys().next().value as string);
    }
  }

  /** How many values are kept and their sizes added up. */
  stats(): { entries: number; size: number } {
    const s = this.store();
    return { entries: s.entries.size, size: s.size };
  }
}
