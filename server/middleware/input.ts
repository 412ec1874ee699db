import type { RequestHandler } from 'express';
import { BadRequestError } from '../errors';

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

/**
 * Refuses text with a NUL character anywhere in the body or query: no form or API field can hold
 * one, and PostgreSQL refuses to store it (SQLite would keep it), so it is stopped at the door.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  if (hasNul(req.body) || req.originalUrl.includes('%00'))
    return next(new BadRequestError('The request contains a character that is not allowed (NUL).'));
  next();
};
