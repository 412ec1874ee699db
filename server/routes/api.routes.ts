import { Router } from 'express';
import * as api from '../handlers/api-staff.handlers';
import * as writes from '../handlers/api-write.handlers';
import * as docs from '../handlers/api-docs.handlers';
import * as tokens from '../handlers/token.handlers';
import * as outbox from '../handlers/outbox.handlers';
import { requireApiToken, requireWriteScope } from '../middleware/api-token';
import { directorOnly } from '../middleware/auth';

/** The staff JSON API (director tokens), its description, the tokens page and the outgoing-mail page. */
export function apiRoutes(): Router {
  const router = Router();
  router.get('/api/v1/openapi.json', docs.openapiJson);
  router.get('/api/docs', docs.docsPage);
  router.get('/api/v1/cases', requireApiToken, api.apiCases);
  router.post('/api/v1/cases/:reference/engagements', requireApiToken, requireWriteScope, writes.createCaseEngagement);
  router.post('/api/v1/cases/:reference/notes', requireApiToken, requireWriteScope, writes.addCaseNote);
  router.get('/api/v1/engagements', requireApiToken, api.apiEngagements);
  router.get('/api/v1/engagements/:id', requireApiToken, writes.showEngagement);
  router.patch('/api/v1/engagements/:id', requireApiToken, requireWriteScope, writes.patchEngagement);
  router.post('/api/v1/engagements/:id/cancel', requireApiToken, requireWriteScope, writes.cancelEngagementApi);
  router.get('/api/v1/reports/coverage', requireApiToken, api.apiCoverage);
  router.get('/admin/tokens', directorOnly, tokens.index);
  router.post('/admin/tokens', directorOnly, tokens.create);
  router.post('/admin/tokens/:id/revoke', directorOnly, tokens.revoke);
  router.get('/admin/outbox', directorOnly, outbox.index);
  router.get('/admin/outbox/:id', directorOnly, outbox.show);
  router.post('/admin/outbox/:id/retry', directorOnly, outbox.retry);
  return router;
}
