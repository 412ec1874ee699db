import { Router } from 'express';
import { requireStaff } from '../middleware/auth';

/** The staff workspace: cases, triage, assignment, workflow, notes and messages. */
export function caseRoutes(): Router {
  const router = Router();
  router.get('/cases', requireStaff, (_req, res) => {
    res.render('pages/cases/index', { title: 'Cases' });
  });
  return router;
}
