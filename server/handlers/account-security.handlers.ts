import type { Request, Response } from 'express';
import { ConflictError, ValidationError } from '../errors';
import { confirmTotp, factorsOf, mfaCovers, regenerateRecoveryCodes, removeTotp } from '../services/mfa.service';
import { finishRegistration, registrationOptions, removePasskey } from '../services/passkey.service';
import { actorOf } from './helpers';
import { idParam } from './params';
import { codeOf, enrolAgain, ipOf, mfaContextOf, renderEnrol, rpOf } from './sign-in';

const NOTICES: Record<string, string> = {
  totp: 'Your authenticator app is set up.',
  'totp-removed': 'Your authenticator app has been removed.',
  'passkey-added': 'Your passkey has been added.',
  'passkey-removed': 'The passkey has been removed.',
};

async function renderPage(req: Request, res: Response, status = 200, failure?: string): Promise<void> {
  const factors = await factorsOf(actorOf(req).id);
  res.status(status).render('pages/account/security', {
    title: 'Sign-in security',
    factors,
    required: mfaCovers(actorOf(req).role, mfaContextOf(req).required),
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

/** Runs an action; when a rule refuses it (409), the security page again with the reason. */
async function orConflictPage(req: Request, res: Response, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await renderPage(req, res, 409, err.message);
  }
}

export async function totpForm(req: Request, res: Response): Promise<void> {
  await orConflictPage(req, res, () => renderEnrol(req, res, actorOf(req).id, 200, { action: '/account/security/totp' }));
}

export async function confirmTotpHandler(req: Request, res: Response): Promise<void> {
  try {
    const codes = await confirmTotp(mfaContextOf(req), actorOf(req).id, codeOf(req), ipOf(req));
    if (!codes) return void res.redirect(303, '/account/security?done=totp');
    res.render('pages/account/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/security?done=totp' });
  } catch (err) {
    if (err instanceof ConflictError) return void res.redirect(303, '/account/security');
    await enrolAgain(req, res, actorOf(req).id, err, { action: '/account/security/totp' });
  }
}

export async function removeTotpHandler(req: Request, res: Response): Promise<void> {
  await orConflictPage(req, res, async () => {
    await removeTotp(mfaContextOf(req), actorOf(req), ipOf(req));
    res.redirect(303, '/account/security?done=totp-removed');
  });
}

/** POST /account/security/recovery-codes: new codes, shown once on this answer (never kept in the session). */
export async function newRecoveryCodes(req: Request, res: Response): Promise<void> {
  await orConflictPage(req, res, async () => {
    const codes = await regenerateRecoveryCodes(mfaContextOf(req), actorOf(req).id, ipOf(req));
    res.render('pages/account/recovery-codes', { title: 'Your recovery codes', codes, continueTo: '/account/security' });
  });
}

/** POST /account/security/passkeys/options (JSON): a challenge for a new passkey. */
export async function passkeyOptions(req: Request, res: Response): Promise<void> {
  const options = await registrationOptions(rpOf(req), actorOf(req).id);
  req.session.webauthnChallenge = options.challenge;
  res.json(options);
}

/** POST /account/security/passkeys (JSON: name, response): keeps the new passkey. */
export async function addPasskey(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as { name?: unknown; response?: unknown };
  const challenge = req.session.webauthnChallenge;
  delete req.session.webauthnChallenge;
  if (typeof body.name !== 'string') throw new ValidationError([{ field: 'name', message: 'Give the passkey a name' }]);
  await finishRegistration(rpOf(req), actorOf(req).id, body.name, body.response, challenge, ipOf(req));
  res.status(201).json({ redirect: '/account/security?done=passkey-added' });
}

export async function deletePasskey(req: Request, res: Response): Promise<void> {
  await orConflictPage(req, res, async () => {
    await removePasskey(mfaContextOf(req).required, actorOf(req), idParam(req), ipOf(req));
    res.redirect(303, '/account/security?done=passkey-removed');
  });
}
