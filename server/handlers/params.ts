import type { Request } from 'express';
import { NotFoundError } from '../errors';

/**
 * A numeric id from the path: digits only, within the columns' 32-bit range. Anything else is a
 * page that does not exist (404), never a database error.
 */
export function idParam(req: Request, name = 'id'): number {
  const raw = String(req.params[name] ?? '');
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id > 2_147_483_647) throw new NotFoundError();
  return id;
}
