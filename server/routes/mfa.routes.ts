import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { SharedRateLimitStore } from '../rate-limit-store';
import type { Config } from '../config';
import * as account from '../handlers/account-security.handlers';
import * as mfa from '../handlers/mfa.handlers';
import * as users from '../handlers/user.handlers';
import { TooManyRequestsError } from '../errors';
import { directorOnly, requireStaff } from '../middleware/auth';

/** The second step of sign-in, one's own second factors, and the directors' resets. */
export function mfaRoutes(_config: Config): Router {
  const router = Router();
  // A coarse per-address brake in front of the per-user throttle of the second step.
  const brake = rateLimit({
    store: new SharedRateLimitStore('mfa'),
    passOnStoreError: true,
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new TooManyRequestsError()),
  });

  router.get('/login/verify', mfa.verifyForm);
  router.post('/login/verify', brake, mfa.verify);
  router.post('/login/passkey/options', brake, mfa.passkeyOptions);
  router.post('/login/passkey', brake, mfa.passkeySignIn);
  router.get('/login/enrol', mfa.enrolForm);
  router.post('/login/enrol', brake, mfa.enrol);

  router.get('/account/security', requireStaff, account.show);
  router.get('/account/security/totp', requireStaff, account.totpForm);
  router.post('/account/security/totp', requireStaff, brake, account.confirmTotpHandler);
  router.post('/account/security/totp/remove', requireStaff, account.removeTotpHandler);
  router.post('/account/security/recovery-codes', requireStaff, account.newRecoveryCodes);
  router.post('/account/security/passkeys/options', requireStaff, account.passkeyOptions);
  router.post('/account/security/passkeys', requireStaff, account.addPasskey);
  router.post('/account/security/passkeys/:id/delete', requireStaff, account.deletePasskey);

  router.post('/admin/users/:id/mfa-reset', directorOnly, users.resetMfa);
  router.post('/admin/users/:id/sign-in-wait/clear', directorOnly, users.clearWait);
  return router;
}
