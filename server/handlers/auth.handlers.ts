import { errorsOf } from './helpers';
import type { Request, Response } from 'express';
import type { Config } from '../config';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { countUsers } from '../queries/user.queries';
import { passwordChangeSchema, userCreateSchema, validatePasswordChange } from '../schemas/user.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { halfSignedIn } from '../middleware/auth';
import { recordSignIn, signIn } from '../services/auth.service';
import { MfaContext, factorsOf, mfaCovers } from '../services/mfa.service';
import { changePassword, createUser } from '../services/user.service';
import { scryptParams } from '../services/password.service';

const scryptOf = (req: Request) => scryptParams((req.app.locals.config as Config).scryptLogN);

/** Where a user lands after signing in: consultants on their work, directors on the cases. */
export const homeOf = (role: 'director' | 'consultant') => (role === 'consultant' ? '/my-work' : '/cases');

/** Only a path on this site, never another site (an open redirect). */
function safeNext(next: unknown, fallback: string): string {
  const s = typeof next === 'string' ? next : '';
  return /^\/(?![/\\])[^\s]*$/.test(s) ? s : fallback;
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

function startSession(req: Request, userId: number): Promise<void> {
  const now = Date.now();
  return rotateSession(req, () => {
    req.session.userId = userId;
    req.session.createdAt = now;
    req.session.lastSeenAt = now;
  });
}

/** The half-signed-in state of this session, if it is current. */
export const pendingSignIn = halfSignedIn;

export function mfaContextOf(req: Request): MfaContext {
  const config = req.app.locals.config as Config;
  return { secret: config.secret, required: config.mfaRequired, issuer: 'LEEP TA Tracker' };
}

/**
 * After the password: either signed in at once (no factor and none required), or half signed in,
 * with only the second step (or enrolment of a first factor) reachable. Returns where to go.
 */
async function afterPassword(
  req: Request,
  user: { id: number; role: 'director' | 'consultant' },
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

/** The end of a sign-in: a new session id, the user in it, and the sign-in recorded. */
export async function completeSignIn(req: Request, userId: number, method: string): Promise<void> {
  await startSession(req, userId);
  await recordSignIn(userId, req.ip ?? 'unknown', method);
}

export async function loginForm(req: Request, res: Response): Promise<void> {
  if (req.user) return res.redirect(303, homeOf(req.user.role));
  res.render('pages/auth/login', {
    title: 'Sign in',
    // Until the first director exists nobody can sign in: point to where that is done.
    firstRun: (await countUsers()) === 0,
    values: { next: typeof req.query.next === 'string' ? req.query.next : '' },
    errors: {},
    errorList: [],
    notice: req.query.signed_out ? 'You have signed out.' : undefined,
  });
}

export async function login(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values = { email: typeof body.email === 'string' ? body.email : '', next: typeof body.next === 'string' ? body.next : '' };
  try {
    const user = await signIn(
      { email: values.email, password: typeof body.password === 'string' ? body.password : '', next: values.next || undefined },
      req.ip ?? 'unknown',
      scryptOf(req),
    );
    res.redirect(303, await afterPassword(req, user, values.next || undefined, 'password'));
  } catch (err) {
    if (err instanceof ValidationError) {
      res.status(422).render('pages/auth/login', { title: 'Error: Sign in', values, ...errorsOf(err) });
      return;
    }
    if (err instanceof AppError && (err.status === 401 || err.status === 429)) {
      res
        .status(err.status)
        .render('pages/auth/login', { title: 'Error: Sign in', values, errors: {}, errorList: [], failure: err.message });
      return;
    }
    throw err;
  }
}

export async function logout(req: Request, res: Response): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
  const config = req.app.locals.config as Config;
  // The same attributes as when it was set: a browser ignores a __Host- cookie without Secure,
  // which would leave the old cookie in place.
  res.clearCookie(config.secureCookies ? '__Host-leep.sid' : 'leep.sid', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
  });
  res.redirect(303, '/login?signed_out=1');
}

async function setupOpen(): Promise<void> {
  if ((await countUsers()) > 0) throw new NotFoundError();
}

export async function setupForm(_req: Request, res: Response): Promise<void> {
  await setupOpen();
  res.render('pages/auth/setup', { title: 'Set up LEEP TA Tracker', values: {}, errors: {}, errorList: [] });
}

export async function setup(req: Request, res: Response): Promise<void> {
  await setupOpen();
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const payload = { ...formToPayload(body, userCreateSchema), role: 'director' };
    const user = await createUser(payload, { scrypt: scryptOf(req), onlyIfNoUsers: true });
    res.redirect(303, await afterPassword(req, { id: user.id, role: 'director' }, '/cases', 'setup'));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    res.status(422).render('pages/auth/setup', {
      title: 'Error: Set up LEEP TA Tracker',
      values: keptValues({ name: body.name, email: body.email }),
      ...errorsOf(err),
    });
  }
}

export function passwordForm(req: Request, res: Response): void {
  res.render('pages/account/password', {
    title: 'Change your password',
    values: {},
    errors: {},
    errorList: [],
    done: req.query.changed === '1',
  });
}

export async function updatePassword(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const input = validatePasswordChange(formToPayload(body, passwordChangeSchema));
    await changePassword((req.user as { id: number }).id, input, scryptOf(req), req.sessionID);
    // 303 after the post, so that reloading the page cannot send the old password again.
    res.redirect(303, '/account/password?changed=1');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // Passwords are never sent back into the page.
    res.status(422).render('pages/account/password', { title: 'Error: Change your password', values: {}, ...errorsOf(err) });
  }
}

export { scryptOf, safeNext };
