import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { SharedRateLimitStore } from '../rate-limit-store';
import * as auth from '../handlers/auth.handlers';
import * as users from '../handlers/user.handlers';
import { TooManyRequestsError } from '../errors';
import { directorOnly, requireStaff } from '../middleware/auth';
import type { Config } from '../config';

/** Sign-in, first-run setup, one's own account, and the directors' user administration. */
export function authRoutes(_config: Config): Router {
  const router = Router();
  // A coarse per-address brake in front of the per-account throttle, so that hashing is never
  // the first line of defence.
  const loginBrake = rateLimit({
    store: new SharedRateLimitStore('login'),
    // A database that cannot count (down, read-only) fails the request's own queries, which say so.
    passOnStoreError: true,
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError()),
  });

  router.get('/login', auth.loginForm);
  router.post('/login', loginBrake, auth.login);
  router.post('/logout', auth.logout);
  router.get('/setup', auth.setupForm);
  router.post('/setup', loginBrake, auth.setup);

  router.get('/account/password', requireStaff, auth.passwordForm);
  router.post('/account/password', requireStaff, loginBrake, auth.updatePassword);

  router.get('/admin/users', directorOnly, users.index);
  router.get('/admin/users/new', directorOnly, users.newForm);
  router.post('/admin/users', directorOnly, users.create);
  router.get('/admin/users/:id/edit', directorOnly, users.editForm);
  router.post('/admin/users/:id', directorOnly, users.update);
  router.post('/admin/users/:id/deactivate', directorOnly, users.deactivate);
  router.post('/admin/users/:id/reactivate', directorOnly, users.reactivate);
  return router;
}
