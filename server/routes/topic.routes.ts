import { Router } from 'express';
import * as topics from '../handlers/topic.handlers';
import { directorOnly } from '../middleware/auth';

/** Topics administration (directors): add, rename, retire and restore. */
export function topicRoutes(): Router {
  const router = Router();
  router.get('/admin/topics', directorOnly, topics.index);
  router.post('/admin/topics', directorOnly, topics.create);
  router.post('/admin/topics/:id', directorOnly, topics.rename);
  router.post('/admin/topics/:id/retire', directorOnly, topics.retire);
  router.post('/admin/topics/:id/restore', directorOnly, topics.restore);
  return router;
}
