import type { Request, Response } from 'express';
import { AppError, ConflictError } from '../errors';
import { clearSecondStepThrottle, confirmTotp, factorsOf, verifyCode } from '../services/mfa.service';
import { authenticationOptions, verifyPasskey } from '../services/passkey.service';
import { secondStepKey } from '../services/throttle.service';
import { roleOfUser } from '../services/user.service';
import { codeOf, completeSignIn, enrolAgain, homeOf, ipOf, mfaContextOf, pendingSignIn, renderEnrol, rpOf, safeNext } from './sign-in';

/** The pending sign-in at this stage, or a redirect to where the visitor should be. */
function pendingAt(req: Request, res: Response, stage: 'verify' | 'enrol') {
  const pending = pendingSignIn(req);
  if (!pending) {
    res.redirect(303, '/login');
    return undefined;
  }
  if (pending.stage !== stage) {
    res.redirect(303, pending.stage === 'verify' ? '/login/verify' : '/login/enrol');
    return undefined;
  }
  return pending;
}

async function finish(req: Request, userId: number, method: string, next: string | undefined): Promise<string> {
  await clearSecondStepThrottle(secondStepKey(userId));
  const role = await roleOfUser(userId);
  await completeSignIn(req, userId, method);
  return safeNext(next, homeOf(role ?? 'consultant'));
}

async function renderVerify(res: Response, userId: number, status: number, extra: Record<string, unknown> = {}): Promise<void> {
  const factors = await factorsOf(userId);
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).render('pages/auth/verify', {
    title: status === 200 ? 'Confirm it is you' : 'Error: Confirm it is you',
    hasTotp: factors.totp,
    codeHint: `${factors.totp ? 'The 6 digits your authenticator app shows, or one' : 'One'} of your recovery codes (like ABCDE-12345).`,
    hasPasskeys: factors.passkeys.length > 0,
    pageScripts: factors.passkeys.length ? ['/vendor/simplewebauthn/index.umd.min.js', '/public/js/passkeys.js'] : [],
    errors: {},
    errorList: [],
    ...extra,
  });
}

/** GET /login/verify: the second step, a code from the app, a recovery code, or a passkey. */
export async function verifyForm(req: Request, res: Response): Promise<void> {
  const pending = pendingAt(req, res, 'verify');
  if (pending) await renderVerify(res, pending.userId, 200);
}

export async function verify(req: Request, res: Response): Promise<void> {
  const pending = pendingAt(req, res, 'verify');
  if (!pending) return;
  const code = codeOf(req);
  if (!code.trim()) {
    const errors = [{ field: 'code', message: 'Enter the code from your authenticator app, or a recovery code' }];
    await renderVerify(res, pending.userId, 422, { errors: { code: errors[0].message }, errorList: errors });
    return;
  }
  try {
    const method = await verifyCode(mfaContextOf(req), pending.userId, code, ipOf(req));
    res.redirect(303, await finish(req, pending.userId, method, pending.next));
  } catch (err) {
    if (!(err instanceof AppError) || ![401, 429].includes(err.status)) throw err;
    const errors = err.status === 401 ? [{ field: 'code', message: err.message }] : [];
    await renderVerify(res, pending.userId, err.status, {
      errors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      errorList: errors,
      failure: err.status === 429 ? err.message : undefined,
    });
  }
}

/** POST /login/passkey/options: a challenge for one of the pending user's passkeys (JSON). */
export async function passkeyOptions(req: Request, res: Response): Promise<void> {
  const pending = pendingSignIn(req);
  if (!pending || pending.stage !== 'verify') throw new AppError(401, 'unauthorized', 'Sign in with your password first.');
  const options = await authenticationOptions(rpOf(req), pending.userId);
  req.session.webauthnChallenge = options.challenge;
  res.json(options);
}

/** POST /login/passkey: the browser's signed answer; on success the sign-in completes (JSON). */
export async function passkeySignIn(req: Request, res: Response): Promise<void> {
  const pending = pendingSignIn(req);
  if (!pending || pending.stage !== 'verify') throw new AppError(401, 'unauthorized', 'Sign in with your password first.');
  const challenge = req.session.webauthnChallenge;
  // A challenge is good for one answer, right or wrong.
  delete req.session.webauthnChallenge;
  await verifyPasskey(rpOf(req), pending.userId, (req.body as { response?: unknown } | undefined)?.response, challenge, ipOf(req));
  res.json({ redirect: await finish(req, pending.userId, 'passkey', pending.next) });
}

/** GET /login/enrol: a user MFA_REQUIRED covers, without a factor yet, sets up an authenticator app. */
export async function enrolForm(req: Request, res: Response): Promise<void> {
  const pending = pendingAt(req, res, 'enrol');
  if (pending) await renderEnrol(req, res, pending.userId, 200, { enrolling: true });
}

/** POST /login/enrol: the first code confirms the key; the recovery codes are shown once, here. */
export async function enrol(req: Request, res: Response): Promise<void> {
  const pending = pendingAt(req, res, 'enrol');
  if (!pending) return;
  try {
    const codes = await confirmTotp(mfaContextOf(req), pending.userId, codeOf(req), ipOf(req));
    const next = await finish(req, pending.userId, 'totp_enrolment', pending.next);
    res.setHeader('Cache-Control', 'no-store');
    res.render('pages/account/recovery-codes', { title: 'Your recovery codes', codes, continueTo: next });
  } catch (err) {
    if (err instanceof ConflictError) return void res.redirect(303, '/login');
    await enrolAgain(req, res, pending.userId, err, { enrolling: true });
  }
}
