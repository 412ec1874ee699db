import type { Knex } from 'knex';
import { db } from '../db';

/** A page body rendered once: its text around the places where each request's CSRF token goes. */
export interface CachedPage {
  version: string;
  /** The body (UTF-8) split at the token's placeholder (one part when the page has no form). */
  parts: Buffer[];
  /** What the layout shows besides the body (the title). */
  layout: Record<string, unknown>;
  bytes: number;
}

// Bounded by size: a case page or the dashboard is about 100 KB.
const MAX_BYTES = 24 * 1024 * 1024;
const MAX_ENTRIES = 500;

interface Store {
  entries: Map<string, CachedPage>;
  bytes: number;
}

// One cache per database (tests give each file a database of its own).
const stores = new WeakMap<Knex, Store>();

function store(): Store {
  let s = stores.get(db);
  if (!s) {
    s = { entries: new Map(), bytes: 0 };
    stores.set(db, s);
  }
  return s;
}

function drop(s: Store, key: string): void {
  const old = s.entries.get(key);
  if (!old) return;
  s.entries.delete(key);
  s.bytes -= old.bytes;
}

/** The page kept for `key`, if it was rendered at this data version. */
export function cachedPage(key: string, version: string): CachedPage | undefined {
  const s = store();
  const hit = s.entries.get(key);
  if (!hit) return undefined;
  if (hit.version !== version) {
    drop(s, key);
    return undefined;
  }
  // Most recently used last, so that the least recently used goes first.
  s.entries.delete(key);
  s.entries.set(key, hit);
  return hit;
}

/** Keeps a rendered page for `key` until the data version moves on (or room runs out). */
export function keepPage(key: string, page: Omit<CachedPage, 'bytes'>): void {
  const s = store();
  const bytes = page.parts.reduce((n, p) => n + p.length, 0);
  if (bytes > MAX_BYTES / 4) return;
  drop(s, key);
  s.entries.set(key, { ...page, bytes });
  s.bytes += bytes;
  while (s.bytes > MAX_BYTES || s.entries.size > MAX_ENTRIES) drop(s, s.entries.keys().next().value as string);
}

/** How many pages are kept and their size (for tests and the benchmark's notes). */
export function pageCacheStats(): { entries: number; bytes: number } {
  const s = store();
  return { entries: s.entries.size, bytes: s.bytes };
}
