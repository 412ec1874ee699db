import { Router } from 'express';
import * as api from '../handlers/api-staff.handlers';
import * as tokens from '../handlers/token.handlers';
import { directorOnly } from '../middleware/auth';

/** The staff JSON API (director tokens) and the page where directors manage the tokens. */
export function apiRoutes(): Router {
  const router = Router();
  router.get('/api/v1/cases', api.requireApiToken, api.apiCases);
  router.get('/api/v1/engagements', api.requireApiToken, api.apiEngagements);
  router.get('/api/v1/reports/coverage', api.requireApiToken, api.apiCoverage);
  router.get('/admin/tokens', directorOnly, tokens.index);
  router.post('/admin/tokens', directorOnly, tokens.create);
  router.post('/admin/tokens/:id/revoke', directorOnly, tokens.revoke);
  return router;
}
