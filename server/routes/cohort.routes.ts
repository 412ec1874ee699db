import { RequestHandler, Router } from 'express';
import type { Config } from '../config';
import * as applications from '../handlers/application.handlers';
import * as cohorts from '../handlers/cohort.handlers';
import * as roster from '../handlers/cohort-roster.handlers';
import { directorOnly } from '../middleware/auth';
import { intakeRateLimit } from '../middleware/security';

/** The directors' pages of a cohort, as method, path and handler. */
const DIRECTORS: ['get' | 'post', string, RequestHandler][] = [
  ['get', '/cohorts/new', cohorts.newForm],
  ['post', '/cohorts', cohorts.create],
  ['get', '/cohorts/:id', cohorts.show],
  ['get', '/cohorts/:id/edit', cohorts.editForm],
  ['post', '/cohorts/:id', cohorts.update],
  ['get', '/cohorts/:id/applications', roster.ranking],
  ['get', '/cohorts/:id/applications/:aid', roster.applicationPage],
  ['post', '/cohorts/:id/applications/:aid/decision', roster.decision],
  ['get', '/cohorts/:id/meetings/:mid/attendance', roster.attendanceForm],
  ['post', '/cohorts/:id/meetings/:mid/attendance', roster.attendance],
  ['post', '/cohorts/:id/reviewers', cohorts.setReviewers],
  ['post', '/cohorts/:id/assignments', cohorts.createAssignment],
  ['get', '/cohorts/:id/assignments/:asid', roster.completionForm],
  ['post', '/cohorts/:id/assignments/:asid', roster.completions],
];

/** The National Cohort: the public list and application form, and the directors' management. */
export function cohortRoutes(config: Config): Router {
  const router = Router();
  router.get('/cohorts', cohorts.index);
  router.get('/cohorts/:id/apply', applications.applyForm);
  router.post('/cohorts/:id/apply', intakeRateLimit(config), applications.apply);
  for (const [method, path, handler] of DIRECTORS) router[method](path, directorOnly, handler);
  return router;
}
