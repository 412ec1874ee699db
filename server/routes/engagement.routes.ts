import { Router } from 'express';
import * as engagements from '../handlers/engagement.handlers';
import { myWork } from '../handlers/mywork.handlers';
import { requireStaff } from '../middleware/auth';

/** Engagements on cases, and a consultant's "My work" page. */
export function engagementRoutes(): Router {
  const router = Router();
  router.get('/my-work', requireStaff, myWork);
  router.get('/cases/:id/engagements/new', requireStaff, engagements.newForm);
  router.post('/cases/:id/engagements', requireStaff, engagements.create);
  router.get('/engagements/:id.ics', requireStaff, engagements.calendar);
  router.get('/engagements/:id/edit', requireStaff, engagements.editForm);
  router.post('/engagements/:id', requireStaff, engagements.update);
  router.post('/engagements/:id/cancel', requireStaff, engagements.cancel);
  router.post('/engagements/:id/delete', requireStaff, engagements.remove);
  return router;
}
