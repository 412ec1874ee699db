import type { Request, Response } from 'express';
import { idParam } from './params';
import { actorOf, cfg } from './helpers';
import { outboxMessage, outboxPage, sendAgainNow } from '../services/outbox.service';

export async function index(req: Request, res: Response): Promise<void> {
  const page = await outboxPage(actorOf(req), req.query.status);
  res.render('pages/admin/outbox', { title: 'Outgoing mail', ...page, smtp: Boolean(cfg(req).smtpUrl) });
}

export async function show(req: Request, res: Response): Promise<void> {
  const message = await outboxMessage(actorOf(req), idParam(req));
  res.render('pages/admin/outbox-message', { title: message.subject, message });
}

export async function retry(req: Request, res: Response): Promise<void> {
  await sendAgainNow(actorOf(req), idParam(req));
  res.redirect(303, '/admin/outbox');
}
