/** Values as the two engines hand them back, made alike (pure functions: no database here). */

/** Counts and sums come back as strings on PostgreSQL. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

/** Booleans come back as 0/1 on SQLite. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** Timestamps are written as ISO strings in UTC; PostgreSQL hands back Dates, SQLite the strings. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(String(value));
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
