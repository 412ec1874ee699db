/**
 * Row ids: positive integers within the columns' 32-bit range. One guard for every caller (a
 * path's id, a form's list of ids, a query that must not send PostgreSQL an out-of-range number).
 */
const MAX_ID = 2_147_483_647;

/** True for a value that can be a row's id. */
export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

/** An id from text (a path or a query string): digits only, in range; undefined otherwise. */
export function parseId(text: unknown): number | undefined {
  const raw = String(text ?? '');
  if (!/^[1-9]\d{0,9}$/.test(raw)) return undefined;
  const id = Number(raw);
  return isId(id) ? id : undefined;
}

/** The JSON schema of an id (AJV): the same range as `isId`. */
export const ID_SCHEMA = { type: 'integer', minimum: 1, maximum: MAX_ID } as const;
