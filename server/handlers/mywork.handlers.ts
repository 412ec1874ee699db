import type { Request, Response } from 'express';
import { myWorkOf } from '../services/mywork.service';
import { actorOf, cfg } from './helpers';

/** A consultant's day: what is coming, what still needs recording, their cases and their hours. */
export async function myWork(req: Request, res: Response): Promise<void> {
  res.render('pages/mywork', { title: 'My work', ...(await myWorkOf(actorOf(req).id, cfg(req).timeZone)) });
}
