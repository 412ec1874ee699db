import { Router } from 'express';
import * as api from '../handlers/api-staff.handlers';
import * as tokens from '../handlers/token.handlers';
import * as outbox from '../handlers/outbox.handlers';
import { directorOnly } from '../middleware/auth';

/** The staff JSON API (director tokens), the tokens page and the outgoing-mail page. */
export function apiRoutes(): Router {
  const router = Router();
  router.get('/api/v1/cases', api.requireApiToken, api.apiCases);
  router.get('/api/v1/engagements', api.requireApiToken, api.apiEngagements);
  router.get('/api/v1/reports/coverage', api.requireApiToken, api.apiCoverage);
  router.get('/admin/tokens', directorOnly, tokens.index);
  router.post('/admin/tokens', directorOnly, tokens.create);
  router.post('/admin/tokens/:id/revoke', directorOnly, tokens.revoke);
  router.get('/admin/outbox', directorOnly, outbox.index);
  router.get('/admin/outbox/:id', directorOnly, outbox.show);
  router.post('/admin/outbox/:id/retry', directorOnly, outbox.retry);
  return router;
}
