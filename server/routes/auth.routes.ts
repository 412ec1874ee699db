import { Router } from 'express';
import * as auth from '../handlers/auth.handlers';
import * as users from '../handlers/user.handlers';
import { directorOnly, requireStaff } from '../middleware/auth';
import { addressBrake } from '../middleware/brake';
import type { Config } from '../config';

/** Sign-in, first-run setup, one's own account, and the directors' user administration. */
export function authRoutes(_config: Config): Router {
  const router = Router();
  // A coarse per-address brake in front of the per-account throttle.
  const loginBrake = addressBrake('login');

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
  // A user's sign-in, set right by a director: second factors removed, a wait after failed sign-ins cleared.
  router.post('/admin/users/:id/mfa-reset', directorOnly, users.resetMfa);
  router.post('/admin/users/:id/sign-in-wait/clear', directorOnly, users.clearWait);
  return router;
}
