import { Router } from 'express';
import * as applications from '../handlers/application.handlers';
import { requireStaff } from '../middleware/auth';

/** An applicant's private status page, and the staff reviewers' blind scoring. */
export function applicationRoutes(): Router {
  const router = Router();
  router.get('/applications/:token', applications.status);
  router.get('/reviews', requireStaff, applications.reviews);
  router.get('/reviews/:id', requireStaff, applications.reviewPage);
  router.post('/reviews/:id', requireStaff, applications.score);
  return router;
}
