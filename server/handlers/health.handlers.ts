import type { Request, Response } from 'express';
import { health } from '../services/health.service';

/**
 * 200 when the database answers within two seconds and its last write did not fail for lack of
 * storage (a full disk, an I/O error, a read-only file), 503 otherwise, and 503 from SIGTERM on
 * (the drain period, while the instance still serves).
 */
export async function healthz(_req: Request, res: Response): Promise<void> {
  res.set('Cache-Control', 'no-store');
  const now = await health();
  switch (now.state) {
    case 'draining':
      // Stopping: the load balancer should send nothing new here (requests still served meanwhile).
      res.status(503).set('Retry-After', '5').json({ status: 'draining' });
      return;
    case 'storage_failed':
      res.status(503).set('Retry-After', '30').json({ status: 'unavailable', problem: 'the database cannot store data', code: now.code });
      return;
    case 'unavailable':
      res.status(503).json({ status: 'unavailable' });
      return;
    case 'ok':
      res.status(200).json({ status: 'ok' });
  }
}
