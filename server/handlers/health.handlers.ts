import type { Request, Response } from 'express';
import { db } from '../db';

/** 200 when the database answers within two seconds, 503 otherwise. */
export async function healthz(_req: Request, res: Response): Promise<void> {
  res.set('Cache-Control', 'no-store');
  try {
    await db.raw('select 1 as ok').timeout(2000, { cancel: false });
    res.status(200).json({ status: 'ok' });
  } catch {
    res.status(503).json({ status: 'unavailable' });
  }
}
