import { Router } from 'express';
import * as cases from '../handlers/case.handlers';
import { directorOnly, requireStaff } from '../middleware/auth';

/** The staff workspace: cases, triage, assignment, workflow, notes and messages. */
export function caseRoutes(): Router {
  const router = Router();
  router.get('/cases', requireStaff, cases.index);
  router.get('/cases/triage', directorOnly, cases.triage);
  router.get('/cases/new', requireStaff, cases.newForm);
  router.post('/cases', requireStaff, cases.create);
  router.get('/cases/:id', requireStaff, cases.show);
  router.get('/cases/:id/edit', directorOnly, cases.editForm);
  router.post('/cases/:id', directorOnly, cases.update);
  router.post('/cases/:id/assignment', directorOnly, cases.assign);
  router.post('/cases/:id/priority', directorOnly, cases.priority);
  router.post('/cases/:id/status', requireStaff, cases.status);
  router.post('/cases/:id/notes', requireStaff, cases.note);
  router.post('/cases/:id/messages', requireStaff, cases.message);
  return router;
}
