import { Router } from 'express';
import type { Config } from '../config';
import * as requests from '../handlers/request.handlers';
import { healthz } from '../handlers/health.handlers';
import { apiCreateRequest } from '../handlers/api.handlers';
import { intakeRateLimit } from '../middleware/security';

/** Pages and API calls anyone may use, with no account. */
export function publicRoutes(config: Config): Router {
  const router = Router();
  const limitIntake = intakeRateLimit(config);
  router.get('/', requests.home);
  router.get('/healthz', healthz);
  router.get('/requests/new', requests.newRequest);
  router.post('/requests', limitIntake, requests.createRequest);
  router.get('/requests/received', requests.received);
  router.get('/status/:token', requests.showStatus);
  router.post('/status/:token/messages', limitIntake, requests.postStatusMessage);
  router.get('/status/:token/engagements/:eid.ics', requests.statusCalendar);
  router.post('/status/:token/feedback', limitIntake, requests.postFeedback);
  router.post('/api/v1/requests', limitIntake, apiCreateRequest);
  return router;
}
