import { Router } from 'express';
import * as reports from '../handlers/report.handlers';
import { directorOnly } from '../middleware/auth';

/** Directors' coverage dashboard, the rows behind its figures, state pages and CSV exports. */
export function reportRoutes(): Router {
  const router = Router();
  router.get('/dashboard', directorOnly, reports.dashboard);
  router.get('/reports/engagements', directorOnly, reports.engagementList);
  router.get('/reports/coverage.csv', directorOnly, reports.coverageCsv);
  router.get('/reports/engagements.csv', directorOnly, reports.engagementsCsv);
  router.get('/reports/cases.csv', directorOnly, reports.casesCsv);
  router.get('/states/:code', directorOnly, reports.statePage);
  return router;
}
