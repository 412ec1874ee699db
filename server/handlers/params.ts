import type { Request } from 'express';
import { NotFoundError } from '../errors';
import { parseId } from '../ids';

/**
 * A numeric id from the path: digits only, within the columns' 32-bit range. Anything else is a
 * page that does not exist (404), never a database error.
 */
export function idParam(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === undefined) throw new NotFoundError();
  return id;
}
