import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Config } from '../config';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors';
import { findUserById } from '../queries/user.queries';
import { auditRefusal } from '../services/auth.service';
import { DatabaseSessionStore, sessionContext } from '../session-store';

const IDLE_TIMEOUT_MS = 30 * 60_000;
const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
const SEEN_RESOLUTION_MS = 60_000;

/** Sign-in sessions: stored in the database, HttpOnly and SameSite=Lax cookie, Secure behind HTTPS. */
export function sessions(config: Config): RequestHandler {
  return session({
    name: config.secureCookies ? '__Host-leep.sid' : 'leep.sid',
    secret: config.secret,
    store: new DatabaseSessionStore(IDLE_TIMEOUT_MS),
    resave: false,
    saveUninitialized: false,
    // The cookie lives for the absolute limit; the idle limit is kept on the server (lastSeenAt,
    // and the stored expiry), so an active user is not signed out and the browser holds no secret
    // longer than the session is valid.
    rolling: false,
    proxy: config.trustProxy !== false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: ABSOLUTE_TIMEOUT_MS, path: '/' },
  });
}

function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

/** The menu a signed-in user sees. */
function navItems(role: 'director' | 'consultant', path: string) {
  const items =
    role === 'director'
      ? [
          { href: '/dashboard', label: 'Dashboard' },
          { href: '/cases', label: 'Cases' },
          { href: '/cases/triage', label: 'Triage' },
          { href: '/cohorts', label: 'Cohorts' },
          { href: '/network', label: 'Network' },
          { href: '/admin/users', label: 'Users' },
          { href: '/admin/topics', label: 'Topics' },
          { href: '/admin/import', label: 'Import' },
          { href: '/admin/tokens', label: 'API tokens' },
          { href: '/admin/outbox', label: 'Mail' },
        ]
      : [
          { href: '/my-work', label: 'My work' },
          { href: '/cases', label: 'My cases' },
          { href: '/reviews', label: 'Reviews' },
        ];
  return items.map((i) => ({ ...i, current: path === i.href || (i.href !== '/cases' && path.startsWith(`${i.href}/`)) }));
}

/**
 * Loads the signed-in user, if any. A session past its idle (30 min) or absolute (12 h) limit,
 * or of a user who was deactivated, is ended here.
 */
export const loadCurrentUser: RequestHandler = async (req, res, next) => {
  const s = req.session;
  if (!s?.userId) return next();
  const now = Date.now();
  const expired = !s.createdAt || now - s.createdAt > ABSOLUTE_TIMEOUT_MS || !s.lastSeenAt || now - s.lastSeenAt > IDLE_TIMEOUT_MS;
  // Normally read with the session itself; a session made during this request has none yet.
  const preloaded = sessionContext(req)?.user;
  const user = expired ? undefined : preloaded?.id === s.userId ? preloaded : await findUserById(s.userId);
  if (!user || !user.active) {
    await endSession(req);
    res.locals.sessionEnded = true;
    return next();
  }
  // Written at most once a minute, so that reading pages does not write the session each time.
  if (now - (s.lastSeenAt ?? 0) > SEEN_RESOLUTION_MS) s.lastSeenAt = now;
  req.user = { id: user.id, name: user.name, email: user.email, role: user.role };
  // A signed-in page is private: no browser or proxy keeps it (the back button after signing out
  // on a shared computer must not show it).
  res.setHeader('Cache-Control', 'no-store');
  res.locals.currentUser = req.user;
  res.locals.navItems = navItems(user.role, req.path);
  next();
};

/** How long the second step may take after the password. */
const SECOND_STEP_MS = 10 * 60_000;

/** The half-signed-in state of this session (password right, second step to do), if not too old. */
export function halfSignedIn(req: Request): NonNullable<Request['session']['mfa']> | undefined {
  const pending = req.session?.mfa;
  return pending && !req.session.userId && Date.now() - pending.startedAt <= SECOND_STEP_MS ? pending : undefined;
}

/**
 * Staff only. A signed-out visitor gets the sign-in form right there, with status 401; a visitor
 * half signed in is sent back to the second step (303) and reaches nothing else.
 */
export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  const stage = halfSignedIn(req)?.stage;
  if (stage && req.method === 'GET' && req.accepts('html') && !req.path.startsWith('/api/')) {
    res.redirect(303, stage === 'verify' ? '/login/verify' : '/login/enrol');
    return;
  }
  if (req.method === 'GET' && req.accepts('html') && !req.path.startsWith('/api/')) {
    res.status(401).render('pages/auth/login', {
      title: 'Sign in',
      values: { next: req.originalUrl },
      errors: {},
      errorList: [],
      notice: res.locals.sessionEnded ? 'Your session has ended. Please sign in again.' : 'Please sign in to see this page.',
    });
    return;
  }
  next(new UnauthorizedError());
}

/** Directors only (after requireStaff); a refusal is audited. */
function requireDirector(req: Request, _res: Response, next: NextFunction): void {
  if (req.user?.role === 'director') return next();
  auditRefusal(req.user?.id ?? null, req.originalUrl, req.ip ?? '', 403).then(() => next(new ForbiddenError()), next);
}

/** Both guards for a director's page. */
export const directorOnly: RequestHandler[] = [requireStaff, requireDirector];

/**
 * Refuses a sign-in over plain http when PUBLIC_URL is https: the browser would drop the Secure
 * session cookie and the sign-in would seem to work but not hold. Usually a proxy that does not
 * say X-Forwarded-Proto, or TRUST_PROXY not set for it.
 */
export function requireSecureTransport(config: Config): RequestHandler {
  return (req, _res, next) => {
    if (!config.secureCookies || req.secure) return next();
    next(
      new AppError(
        400,
        'insecure_transport',
        'Signing in needs HTTPS: this request reached the app over plain http while PUBLIC_URL is https. If the app is behind a proxy that ends HTTPS, set TRUST_PROXY to that proxy (a hop count or its addresses) and make the proxy send X-Forwarded-Proto: https.',
      ),
    );
  };
}
