import { VersionedCache } from './versioned-cache';

/** A page body rendered once: its text around the places where each request's CSRF token goes. */
export interface CachedPage {
  version: string;
  /** The body (UTF-8) split at the token's placeholder (one part when the page has no form). */
  parts: Buffer[];
  /** What the layout shows besides the body (the title). */
  layout: Record<string, unknown>;
}

// Bounded by size: a case page or the dashboard is about 100 KB.
const pages = new VersionedCache<CachedPage>({ entries: 500, size: 24 * 1024 * 1024 }, (page) => page.parts.reduce((n, p) => n + p.length, 0));

/** The page kept for `key`, if it was rendered at this data version. */
export function cachedPage(key: string, version: string): CachedPage | undefined {
  return pages.get(key, version);
}

/** Keeps a rendered page for `key` until the data version moves on (or room runs out). */
export function keepPage(key: string, page: CachedPage): void {
  pages.set(key, page.version, page);
}

/** How many pages are kept and their size (for tests and the benchmark's notes). */
export function pageCacheStats(): { entries: number; bytes: number } {
  const { entries, size } = pages.stats();
  return { entries, bytes: size };
}
