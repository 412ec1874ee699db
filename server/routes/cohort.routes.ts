import { Router } from 'express';
import type { Config } from '../config';
import * as applications from '../handlers/application.handlers';
import * as cohorts from '../handlers/cohort.handlers';
import * as roster from '../handlers/cohort-roster.handlers';
import { directorOnly } from '../middleware/auth';
import { intakeRateLimit } from '../middleware/security';

/** The National Cohort: the public list and application form, and the directors' management. */
export function cohortRoutes(config: Config): Router {
  const router = Router();
  const limitIntake = intakeRateLimit(config);
  router.get('/cohorts', cohorts.index);
  router.get('/cohorts/new', directorOnly, cohorts.newForm);
  router.post('/cohorts', directorOnly, cohorts.create);
  router.get('/cohorts/:id', directorOnly, cohorts.show);
  router.get('/cohorts/:id/edit', directorOnly, cohorts.editForm);
  router.post('/cohorts/:id', directorOnly, cohorts.update);
  router.get('/cohorts/:id/apply', applications.applyForm);
  router.post('/cohorts/:id/apply', limitIntake, applications.apply);
  router.get('/cohorts/:id/applications', directorOnly, roster.ranking);
  router.get('/cohorts/:id/applications/:aid', directorOnly, roster.applicationPage);
  router.post('/cohorts/:id/applications/:aid/decision', directorOnly, roster.decision);
  router.get('/cohorts/:id/meetings/:mid/attendance', directorOnly, roster.attendanceForm);
  router.post('/cohorts/:id/meetings/:mid/attendance', directorOnly, roster.attendance);
  router.post('/cohorts/:id/reviewers', directorOnly, cohorts.setReviewers);
  router.post('/cohorts/:id/assignments', directorOnly, cohorts.createAssignment);
  router.get('/cohorts/:id/assignments/:asid', directorOnly, roster.completionForm);
  router.post('/cohorts/:id/assignments/:asid', directorOnly, roster.completions);
  return router;
}
