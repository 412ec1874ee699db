import type { Request, Response } from 'express';
import type { Config } from '../config';
import { AppError, ConflictError, ValidationError } from '../errors';
import { confirmTotp, factorsOf, mfaCovers, regenerateRecoveryCodes, removeTotp } from '../services/mfa.service';
import { finishRegistration, registrationOptions, relyingPartyOf, removePasskey } from '../services/passkey.service';
import { idParam } from './params';
import { mfaContextOf } from './auth.handlers';
import { renderEnrol } from './mfa.handlers';

const ipOf = (req: Request) => req.ip ?? 'unknown';
const me = (req: Request) => req.user as { id: number; role: 'director' | 'consultant' };
const rpOf = (req: Request) => relyingPartyOf((req.app.locals.config as Config).publicUrl);

const NOTICES: Record<string, string> = {
  totp: 'Your authenticator app is set up.',
  'totp-removed': 'Your authenticator app has been removed.',
  'passkey-added': 'Your passkey has been added.',
  'passkey-removed': 'The passkey has been removed.',
};

async function renderPage(req: Request, res: Response, status = 200, failure?: string): Promise<void> {
  const factors = await factorsOf(me(req).id);
  res.status(status).render('pages/account/security', {
    title: 'Sign-in security',
    factors,
    required: mfaCovers(me(req).role, mfaContextOf(req).required),
    notice: NOTICES[String(req.query.done ?? '')],
    failure,
    values: {},
    errors: {},
    errorList: [],
    pageScripts: ['/vendor/simplewebauthn/index.umd.min.js', '/public/js/passkeys.js'],
  });
}

/** GET /account/security: one's second factors: the authenticator app, passkeys, recovery codes. */
export async function show(req: Request, res: Response): Promise<void> {
  await renderPage(req, res);
}

export async function totpForm(req: Request, res: Response): Promise<void> {
  try {
    await renderEnrol(req, res, me(req).id, 200, { action: '/account/security/totp' });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await renderPage(req, res, 409, err.message);
  }
}

export async function confirmTotpHandler(req: Request, res: Response): Promise<void> {
  try {
    const codes = await confirmTotp(
      mfaContextOf(req),
      me(req).id,
      String((req.body as Record<string, unknown>)?.code ?? '').slice(0, 40),
      ipOf(req),
    );
    if (!codes) return void res.redirect(303, '/account/security?done=totp');
    res.render('pages/account/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/security?done=totp' });
  } catch (err) {
    if (err instanceof ConflictError) return void res.redirect(303, '/account/security');
    if (!(err instanceof AppError) || ![401, 429].includes(err.status)) throw err;
    const errors = [
      { field: 'code', message: err.status === 401 ? 'That code is not correct. Type the 6 digits your app shows now.' : err.message },
    ];
    await renderEnrol(req, res, me(req).id, err.status === 401 ? 422 : 429, {
      action: '/account/security/totp',
      errors: { code: errors[0].message },
      errorList: errors,
    });
  }
}

export async function removeTotpHandler(req: Request, res: Response): Promise<void> {
  try {
    await removeTotp(mfaContextOf(req), me(req), ipOf(req));
    res.redirect(303, '/account/security?done=totp-removed');
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await renderPage(req, res, 409, err.message);
  }
}

/** POST /account/security/recovery-codes: new codes, shown once on this answer (never kept in the session). */
export async function newRecoveryCodes(req: Request, res: Response): Promise<void> {
  const factors = await factorsOf(me(req).id);
  if (!factors.any) return renderPage(req, res, 409, 'Set up an authenticator app or a passkey first.');
  const codes = await regenerateRecoveryCodes(mfaContextOf(req), me(req).id, ipOf(req));
  res.render('pages/account/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/security' });
}

/** POST /account/security/passkeys/options (JSON): a challenge for a new passkey. */
export async function passkeyOptions(req: Request, res: Response): Promise<void> {
  const options = await registrationOptions(rpOf(req), me(req).id);
  req.session.webauthnChallenge = options.challenge;
  res.json(options);
}

/** POST /account/security/passkeys (JSON: name, response): keeps the new passkey. */
export async function addPasskey(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as { name?: unknown; response?: unknown };
  const challenge = req.session.webauthnChallenge;
  delete req.session.webauthnChallenge;
  if (typeof body.name !== 'string') throw new ValidationError([{ field: 'name', message: 'Give the passkey a name' }]);
  await finishRegistration(rpOf(req), me(req).id, body.name, body.response, challenge, ipOf(req));
  res.status(201).json({ redirect: '/account/security?done=passkey-added' });
}

export async function deletePasskey(req: Request, res: Response): Promise<void> {
  const factors = await factorsOf(me(req).id);
  if (mfaCovers(me(req).role, mfaContextOf(req).required) && !factors.totp && factors.passkeys.length <= 1) {
    return renderPage(
      req,
      res,
      409,
      'Your account needs a second factor: set up an authenticator app or another passkey before removing this one.',
    );
  }
  await removePasskey(me(req).id, idParam(req), ipOf(req));
  res.redirect(303, '/account/security?done=passkey-removed');
}
