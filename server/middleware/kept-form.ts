import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';

// Forms anyone may post (no sign-in): a visitor's post to these is never a staff form.
const PUBLIC_POST = /^\/(requests|status|login|logout|setup|api)(\/|$)|^\/cohorts\/[^/]+\/apply$|^\/admin\/import$/;
const MAX_FIELDS = 60;
const MAX_CHARS = 20_000;

/** The page the form was on: the same-site Referer, else the case the form belongs to. */
function pageOf(req: Request, config: Config): string | undefined {
  const referer = req.get('referer');
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === req.get('host') || url.origin === config.publicUrl) return url.pathname + url.search;
    } catch {
      // An unreadable Referer: fall back to the form's own case.
    }
  }
  return /^\/cases\/\d+(?=\/)/.exec(req.path)?.[0];
}

/** The typed fields only: text values, no CSRF token or confirmation, within sane sizes. */
function fieldsOf(body: unknown): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return fields;
  for (const [k, v] of Object.entries(body as Record<string, unknown>).slice(0, MAX_FIELDS)) {
    if (k === '_csrf' || k === 'confirm' || k === 'password' || k.startsWith('password_') || k.endsWith('_password')) continue;
    if (typeof v === 'string') fields[k] = v.slice(0, MAX_CHARS);
    else if (Array.isArray(v)) fields[k] = v.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, MAX_CHARS));
  }
  return fields;
}

/**
 * A staff form posted after its session ended (it would fail its CSRF check, and what was typed
 * would be lost): the typed text is kept in a new, signed-out session, and the sign-in form is
 * shown (401). Signing in carries it over (`startSession`) and leads back to the page, which
 * shows it again to be checked and sent (`takeKeptForm`). Nothing is acted on without a new post.
 */
export function keepFormAfterSessionEnd(config: Config) {
  const cookieName = config.secureCookies ? '__Host-leep.sid' : 'leep.sid';
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || req.user || PUBLIC_POST.test(req.path) || !req.accepts('html')) return next();
    const hadSession =
      Boolean(res.locals.sessionEnded) || (req.get('cookie') ?? '').split(/;\s*/).some((c) => c.startsWith(`${cookieName}=`));
    if (!hadSession) return next();
    const returnTo = pageOf(req, config);
    if (!req.session) req.sessionStore.generate(req);
    if (returnTo) req.session.keptForm = { returnTo, action: req.path, fields: fieldsOf(req.body) };
    res.status(401).render('pages/auth/login', {
      title: 'Sign in',
      values: { next: returnTo ?? '' },
      errors: {},
      errorList: [],
      notice: returnTo
        ? 'Your session ended before your form was sent. Sign in, and you will be back on the page with what you typed, to check it and send it again.'
        : 'Your session has ended. Please sign in again.',
    });
  };
}

/**
 * What was typed in a form sent to `action` after the session ended, if this is the page it was
 * on: given once, then forgotten.
 */
export function takeKeptForm(req: Request, action: RegExp): { action: string; fields: Record<string, string | string[]> } | undefined {
  const kept = req.session?.keptForm;
  if (!kept || kept.returnTo !== req.originalUrl || !action.test(kept.action)) return undefined;
  delete req.session.keptForm;
  return { action: kept.action, fields: kept.fields };
}
