import type { Request, Response } from 'express';
import { AppError, NotFoundError } from '../errors';
import { passwordChangeSchema, userCreateSchema, validatePasswordChange } from '../schemas/user.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { signIn } from '../services/auth.service';
import { changePassword, createFirstDirector, isFirstRun } from '../services/user.service';
import { actorOf, cfg, errorsOf, formOrAgain } from './helpers';
import { afterPassword, homeOf, ipOf, scryptOf } from './sign-in';

export async function loginForm(req: Request, res: Response): Promise<void> {
  if (req.user) return res.redirect(303, homeOf(req.user.role));
  res.render('pages/auth/login', {
    title: 'Sign in',
    // Until the first director exists nobody can sign in: point to where that is done.
    firstRun: await isFirstRun(),
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
    await formOrAgain(
      res,
      async () => {
        const user = await signIn(
          { email: values.email, password: typeof body.password === 'string' ? body.password : '', next: values.next || undefined },
          ipOf(req),
          scryptOf(req),
        );
        res.redirect(303, await afterPassword(req, user, values.next || undefined, 'password'));
      },
      (err) => res.render('pages/auth/login', { title: 'Error: Sign in', values, ...errorsOf(err) }),
    );
  } catch (err) {
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
  const config = cfg(req);
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

/** The first-run setup is there only until the first user exists. */
async function setupOpen(): Promise<void> {
  if (!(await isFirstRun())) throw new NotFoundError();
}

export async function setupForm(_req: Request, res: Response): Promise<void> {
  await setupOpen();
  res.render('pages/auth/setup', { title: 'Set up LEEP TA Tracker', values: {}, errors: {}, errorList: [] });
}

export async function setup(req: Request, res: Response): Promise<void> {
  await setupOpen();
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      const user = await createFirstDirector(formToPayload(body, userCreateSchema), scryptOf(req));
      res.redirect(303, await afterPassword(req, { id: user.id, role: 'director' }, '/cases', 'setup'));
    },
    (err) =>
      res.render('pages/auth/setup', {
        title: 'Error: Set up LEEP TA Tracker',
        values: keptValues({ name: body.name, email: body.email }),
        ...errorsOf(err),
      }),
  );
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
  await formOrAgain(
    res,
    async () => {
      const input = validatePasswordChange(formToPayload(body, passwordChangeSchema));
      await changePassword(actorOf(req), input, scryptOf(req), req.sessionID);
      // 303 after the post, so that reloading the page cannot send the old password again.
      res.redirect(303, '/account/password?changed=1');
    },
    // Passwords are never sent back into the page.
    (err) => res.render('pages/account/password', { title: 'Error: Change your password', values: {}, ...errorsOf(err) }),
  );
}
