import type { Request, Response } from 'express';
import { db, storageProblem } from '../db';
import { isDraining } from '../lifecycle';

/**
 * 200 when the database answers within two seconds and its last write did not fail for lack of
 * storage (a full disk, an I/O error, a read-only file), 503 otherwise, and 503 from SIGTERM on
 * (the drain period, while the instance still serves).
 */
export async function healthz(_req: Request, res: Response): Promise<void> {
  res.set('Cache-Control', 'no-store');
  if (isDraining()) {
    // Stopping: the load balancer should send nothing new here (requests still served meanwhile).
    res.status(503).set('Retry-After', '5').json({ status: 'draining' });
    return;
  }
  const storage = storageProblem();
  if (storage) {
    res.status(503).set('Retry-After', '30').json({ status: 'unavailable', problem: 'the database cannot store data', code: storage.code });
    return;
  }
  try {
    await db.raw('select 1 as ok').timeout(2000, { cancel: false });
    res.status(200).json({ status: 'ok' });
  } catch {
    res.status(503).json({ status: 'unavailable' });
  }
}
