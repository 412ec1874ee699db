import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Express } from 'express';
import type { Config } from './config';
import type { Logger } from 'pino';
import { logger } from './logger';
import { loadCurrentUser, requireSecureTransport, sessions } from './middleware/auth';
import { refuseNul } from './middleware/input';
import { keepFormAfterSessionEnd } from './middleware/kept-form';
import { requestLog } from './middleware/request-log';
import { errorHandler, notFound } from './middleware/errors';
import { csrf, sameOrigin, securityHeaders } from './middleware/security';
import { authRoutes } from './routes/auth.routes';
import { mfaRoutes } from './routes/mfa.routes';
import { caseRoutes } from './routes/case.routes';
import { engagementRoutes } from './routes/engagement.routes';
import { reportRoutes } from './routes/report.routes';
import { topicRoutes } from './routes/topic.routes';
import { apiRoutes } from './routes/api.routes';
import { importRoutes } from './routes/import.routes';
import { publicRoutes } from './routes/public.routes';
import { cohortRoutes } from './routes/cohort.routes';
import { applicationRoutes } from './routes/application.routes';
import { networkRoutes } from './routes/network.routes';
import { PUBLIC_DIR } from './paths';
import { setupViews } from './views';
import { withApp } from './context';
import type { Database } from './queries/database.queries';

// The package exports only its script; its CSS, fonts and images sit beside it in dist/.
const USWDS_DIST = path.resolve(path.dirname(require.resolve('@uswds/uswds')), '..');
// Swagger UI's browser bundle and stylesheet, for the API's documentation page.
const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const WEBAUTHN_BROWSER = path.resolve(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle');

/** Builds the Express app (without listening): what `index.ts` serves and supertest drives. */
export function createApp(config: Config, options: { log?: Logger; database?: () => Database } = {}): Express {
  const app = express();
  // The app's requests run with its settings and against the database it was given (a function,
  // so that a test may make the app before its database), whatever another app in the same process
  // uses. Without a database, they use the process's (a test's).
  const { database } = options;
  app.use((_req, _res, next) => withApp({ database: database?.(), config }, next));
  app.locals.config = config;
  // "Eastern Time" for America/New_York: shown next to times that people type or read.
  app.locals.timeZoneLabel =
    new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')?.value ?? config.timeZone;
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Pages are made per request and never cached by browsers; an ETag would only cost a hash of
  // every answer (static files keep theirs, from serve-static).
  app.set('etag', false);
  setupViews(app, config);

  app.use(requestLog(options.log ?? logger(config)));
  app.use(securityHeaders(config));
  app.use('/uswds', express.static(USWDS_DIST, { maxAge: '7d', index: false }));
  // The WebAuthn browser helper, served from here (the CSP allows scripts from this site only).
  app.use('/vendor/simplewebauthn', express.static(WEBAUTHN_BROWSER, { maxAge: config.env === 'production' ? '1d' : 0, index: false }));
  for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
    app.get(`/vendor/swagger-ui/${file}`, (_req, res) =>
      res.sendFile(path.join(SWAGGER_UI, file), { maxAge: config.env === 'production' ? '1d' : 0 }),
    );
  }
  app.use('/public', express.static(PUBLIC_DIR, { maxAge: config.env === 'production' ? '1d' : 0, index: false }));
  // Browsers ask for /favicon.ico whatever the page says: answer it rather than log a 404 a page.
  app.get('/favicon.ico', (_req, res) =>
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'public, max-age=86400')
      .sendFile(path.join(PUBLIC_DIR, 'img', 'favicon.svg')),
  );

  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '200kb' }));
  app.use(refuseNul);
  app.use(cookieParser());
  app.use(sessions(config));
  app.use(loadCurrentUser);

  // Before the CSRF check: over plain http the browser never sends back the Secure CSRF cookie,
  // and the answer must say why the sign-in cannot work, not that the form expired.
  const secureSignIn = requireSecureTransport(config);
  app.use((req, res, next) => (req.method === 'POST' && /^\/(login(\/|$)|setup$)/.test(req.path) ? secureSignIn(req, res, next) : next()));
  const { protect, protectAfterUpload, provideToken } = csrf(config);
  app.use(sameOrigin(config));
  app.use(provideToken);
  app.use(keepFormAfterSessionEnd(config));
  app.use(protect);
  app.use((req, res, next) => {
    res.locals.path = req.path;
    next();
  });

  app.use(publicRoutes(config));
  app.use(authRoutes(config));
  app.use(mfaRoutes(config));
  app.use(caseRoutes());
  app.use(engagementRoutes());
  app.use(reportRoutes());
  app.use(topicRoutes());
  app.use(apiRoutes());
  app.use(importRoutes(protectAfterUpload));
  app.use(cohortRoutes(config));
  app.use(applicationRoutes());
  app.use(networkRoutes());

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
