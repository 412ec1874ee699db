import { RequestHandler, Router } from 'express';
import * as network from '../handlers/network.handlers';
import { directorOnly } from '../middleware/auth';

/** Every path of the network with its handler for each method: all for directors only. */
const PATHS: [string, { get?: RequestHandler; post?: RequestHandler }][] = [
  ['/network', { get: network.index }],
  ['/network/teams/new', { get: network.teamNew }],
  ['/network/teams', { post: network.teamCreate }],
  ['/network/teams/:id', { get: network.teamShow, post: network.teamUpdate }],
  ['/network/teams/:id/edit', { get: network.teamEdit }],
  ['/network/teams/:id/training', { get: network.trainingForm, post: network.training }],
  ['/network/events/new', { get: network.eventNew }],
  ['/network/events', { post: network.eventCreate }],
  ['/network/events/:id', { get: network.eventShow, post: network.eventUpdate }],
  ['/network/events/:id/edit', { get: network.eventEdit }],
  ['/network/events/:id/attendance', { post: network.eventAttendance }],
];

/** The State Policy Network: state teams, their customized training, and network events (directors). */
export function networkRoutes(): Router {
  const router = Router();
  for (const [path, handlers] of PATHS) {
    if (handlers.get) router.get(path, directorOnly, handlers.get);
    if (handlers.post) router.post(path, directorOnly, handlers.post);
  }
  return router;
}
