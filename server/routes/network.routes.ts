import { Router } from 'express';
import * as network from '../handlers/network.handlers';
import { directorOnly } from '../middleware/auth';

/** The State Policy Network: state teams, their customized training, and network events (directors). */
export function networkRoutes(): Router {
  const router = Router();
  router.get('/network', directorOnly, network.index);
  router.get('/network/teams/new', directorOnly, network.teamNew);
  router.post('/network/teams', directorOnly, network.teamCreate);
  router.get('/network/teams/:id', directorOnly, network.teamShow);
  router.get('/network/teams/:id/edit', directorOnly, network.teamEdit);
  router.post('/network/teams/:id', directorOnly, network.teamUpdate);
  router.get('/network/teams/:id/training', directorOnly, network.trainingForm);
  router.post('/network/teams/:id/training', directorOnly, network.training);
  router.get('/network/events/new', directorOnly, network.eventNew);
  router.post('/network/events', directorOnly, network.eventCreate);
  router.get('/network/events/:id', directorOnly, network.eventShow);
  router.get('/network/events/:id/edit', directorOnly, network.eventEdit);
  router.post('/network/events/:id', directorOnly, network.eventUpdate);
  router.post('/network/events/:id/attendance', directorOnly, network.eventAttendance);
  return router;
}
