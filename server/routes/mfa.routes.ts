import { Router } from 'express';
import type { Config } from '../config';
import * as account from '../handlers/account-security.handlers';
import * as mfa from '../handlers/mfa.handlers';
import { requireStaff } from '../middleware/auth';
import { addressBrake } from '../middleware/brake';

/** The second step of sign-in, and one's own second factors. */
export function mfaRoutes(_config: Config): Router {
  const router = Router();
  // A coarse per-address brake in front of the per-user throttle of the second step.
  const brake = addressBrake('mfa');

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
  return router;
}
