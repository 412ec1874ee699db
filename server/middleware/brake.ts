import type { RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import { TooManyRequestsError } from '../errors';
import { SharedRateLimitStore } from '../rate-limit-store';

/**
 * A coarse per-address brake (30 posts a minute) in front of the per-account and per-user
 * throttles of signing in, so that hashing a password or checking a code is never the first line
 * of defence. `name` keeps each brake's counts apart.
 */
export function addressBrake(name: string): RequestHandler {
  return rateLimit({
    store: new SharedRateLimitStore(name),
    // A database that cannot count (down, read-only) fails the request's own queries, which say so.
    passOnStoreError: true,
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError()),
  });
}
