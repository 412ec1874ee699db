import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import helmet from 'helmet';
import rateLimit from 'express-rate-limit';
import { SharedRateLimitStore } from '../rate-limit-store';
import type { Config } from '../config';
import { ForbiddenError, TooManyRequestsError } from '../errors';

/** Security headers, with a Content-Security-Policy that allows no inline script or style. */
export function securityHeaders(config: Config): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * CSRF tokens for every form (double-submit cookie signed with the app secret, tied to the
 * sign-in session when there is one). JSON API calls are exempt: they need a JSON body, which a
 * cross-site form cannot send, and `sameOrigin` refuses them from another site's page.
 */
export function csrf(config: Config) {
  const options = {
    getSecret: () => config.secret,
    getSessionIdentifier: (req: Request) => {
      const s = req.session as { userId?: number; mfa?: unknown } | undefined;
      return s?.userId || s?.mfa ? req.sessionID : 'anonymous';
    },
    cookieName: config.secureCookies ? '__Host-leep.csrf' : 'leep.csrf',
    cookieOptions: { sameSite: 'lax' as const, secure: config.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req: Request) => (req.body as Record<string, string> | undefined)?._csrf ?? req.get('x-csrf-token'),
  };
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    ...options,
    // The import upload is multipart: its token can only be read after the file is parsed, so
    // that route checks it itself with `protectAfterUpload`.
    skipCsrfProtection: (req) => req.path.startsWith('/api/') || (req.method === 'POST' && req.path === '/admin/import'),
  });
  const { doubleCsrfProtection: protectAfterUpload } = doubleCsrf(options);
  const provideToken: RequestHandler = (req, res, next) => {
    // One token a request: every form of a page must carry the token its cookie was set for.
    let token: string | undefined;
    res.locals.csrfToken = () => (token ??= generateCsrfToken(req, res));
    next();
  };
  return { protect: doubleCsrfProtection, protectAfterUpload, provideToken };
}

/**
 * Refuses state-changing requests made from another site's page: the browser says so in
 * Sec-Fetch-Site, or in an Origin that is not ours.
 */
export function sameOrigin(config: Config): RequestHandler {
  const ours = new URL(config.publicUrl).host;
  return (req: Request, _res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    if (req.get('sec-fetch-site') === 'cross-site') return next(new ForbiddenError('Cross-site requests are not accepted.'));
    const origin = req.get('origin');
    if (origin && origin !== 'null') {
      let host: string;
      try {
        host = new URL(origin).host;
      } catch {
        return next(new ForbiddenError('Cross-site requests are not accepted.'));
      }
      if (host !== req.get('host') && host !== ours) return next(new ForbiddenError('Cross-site requests are not accepted.'));
    } else if (origin === 'null' && req.get('sec-fetch-site') !== 'same-origin') {
      // Browsers send Origin: null from pages with a no-referrer policy; Sec-Fetch-Site still
      // says whether the post came from this site.
      return next(new ForbiddenError('Cross-site requests are not accepted.'));
    }
    next();
  };
}

/** At most `limit` submissions a minute from one address (INTAKE_RATE_LIMIT). */
export function intakeRateLimit(config: Config): RequestHandler {
  return rateLimit({
    store: new SharedRateLimitStore('intake'),
    // A database that cannot count (down, read-only) fails the request's own queries, which say so.
    passOnStoreError: true,
    windowMs: 60_000,
    limit: config.intakeRateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new TooManyRequestsError('Too many requests from your network. Please wait a minute and try again.')),
  });
}
