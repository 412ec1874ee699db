import type { Request, Response } from 'express';
import { AppError } from '../errors';
import { halfSignedIn } from '../middleware/auth';
import { recordSignIn } from '../services/auth.service';
import { MfaContext, factorsOf, mfaCovers, totpSetup } from '../services/mfa.service';
import { relyingPartyOf } from '../services/passkey.service';
import { ScryptParams, scryptParams } from '../services/password.service';
import type { Role } from '../vocabulary';
import { cfg } from './helpers';

/**
 * What the sign-in pages share (the password step, the second step, one's own second factors):
 * sessions, where to land, and the pages of the second step. Handlers import these from here,
 * never from one another.
 */

export const scryptOf = (req: Request): ScryptParams => scryptParams(cfg(req).scryptLogN);
export const ipOf = (req: Request): string => req.ip ?? 'unknown';
export const rpOf = (req: Request) => relyingPartyOf(cfg(req).publicUrl);
/** The code typed in a second-step form (at most 40 characters are looked at). */
export const codeOf = (req: Request): string => String((req.body as Record<string, unknown> | undefined)?.code ?? '').slice(0, 40);

/** Where a user lands after signing in: consultants on their work, directors on the cases. */
export const homeOf = (role: Role): string => (role === 'consultant' ? '/my-work' : '/cases');

/** Only a path on this site, never another site (an open redirect). */
export function safeNext(next: unknown, fallback: string): string {
  const s = typeof next === 'string' ? next : '';
  return /^\/(?![/\\])[^\s]*$/.test(s) ? s : fallback;
}

/** The half-signed-in state of this session, if it is current. */
export const pendingSignIn = halfSignedIn;

export function mfaContextOf(req: Request): MfaContext {
  const config = cfg(req);
  return { secret: config.secret, required: config.mfaRequired, issuer: 'LEEP TA Tracker' };
}

/**
 * A new session id with these contents, so that a session id planted or seen before is worthless after.
 * A staff form sent after the session ended waits in the signed-out session: it goes on into each new
 * one, so that the page it came from shows what was typed after signing in (middleware/kept-form.ts).
 */
function rotateSession(req: Request, fill: () => void): Promise<void> {
  const keptForm = req.session.keptForm;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      if (keptForm) req.session.keptForm = keptForm;
      fill();
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

/** The end of a sign-in: a new session id, the user in it, and the sign-in recorded. */
export async function completeSignIn(req: Request, userId: number, method: string): Promise<void> {
  const now = Date.now();
  await rotateSession(req, () => {
    req.session.userId = userId;
    req.session.createdAt = now;
    req.session.lastSeenAt = now;
  });
  await recordSignIn(userId, ipOf(req), method);
}

/**
 * After the password: either signed in at once (no factor and none required), or half signed in,
 * with only the second step (or enrolment of a first factor) reachable. Returns where to go.
 */
export async function afterPassword(
  req: Request,
  user: { id: number; role: Role },
  next: string | undefined,
  method: string,
): Promise<string> {
  const factors = await factorsOf(user.id);
  if (!factors.any && !mfaCovers(user.role, mfaContextOf(req).required)) {
    await completeSignIn(req, user.id, method);
    return safeNext(next, homeOf(user.role));
  }
  const stage = factors.any ? 'verify' : 'enrol';
  await rotateSession(req, () => {
    req.session.mfa = { userId: user.id, stage, startedAt: Date.now(), next };
  });
  return stage === 'verify' ? '/login/verify' : '/login/enrol';
}

/** The page that sets up an authenticator app: at sign-in (`/login/enrol`) or from one's account. */
export async function renderEnrol(
  req: Request,
  res: Response,
  userId: number,
  status: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const setup = await totpSetup(mfaContextOf(req), userId);
  // The key is a secret: no browser or proxy keeps the page.
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).render('pages/auth/enrol', {
    title: status === 200 ? 'Set up a second factor' : 'Error: Set up a second factor',
    setup,
    qrSvg: setup.qrSvg.replace('<svg ', '<svg role="img" aria-label="QR code of the key for your authenticator app" class="qr-code" '),
    action: extra.action ?? '/login/enrol',
    errors: {},
    errorList: [],
    ...extra,
  });
}

/**
 * The enrolment page again after its first code was refused: a wrong code (422) or too many of
 * them (429). Any other error goes on to the error pages.
 */
export async function enrolAgain(
  req: Request,
  res: Response,
  userId: number,
  err: unknown,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!(err instanceof AppError) || ![401, 429].includes(err.status)) throw err;
  const errors = [
    { field: 'code', message: err.status === 401 ? 'That code is not correct. Type the 6 digits your app shows now.' : err.message },
  ];
  await renderEnrol(req, res, userId, err.status === 401 ? 422 : 429, { ...extra, errors: { code: errors[0].message }, errorList: errors });
}
