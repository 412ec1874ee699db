import type { Request, Response } from 'express';
import { idParam } from './params';
import type { Config } from '../config';
import { NotFoundError } from '../errors';
import { findOutbox, listOutbox, retryNow } from '../queries/outbox.queries';

const STATUSES = ['waiting', 'sending', 'sent', 'failed'];

export async function index(req: Request, res: Response): Promise<void> {
  const status = typeof req.query.status === 'string' && STATUSES.includes(req.query.status) ? req.query.status : undefined;
  const { rows, counts } = await listOutbox(status, 100, 0);
  res.render('pages/admin/outbox', {
    title: 'Outgoing mail',
    rows,
    status,
    counts: STATUSES.map((s) => ({ status: s, n: counts[s] ?? 0, current: s === status })),
    smtp: Boolean((req.app.locals.config as Config).smtpUrl),
  });
}

export async function show(req: Request, res: Response): Promise<void> {
  const message = await findOutbox(idParam(req));
  if (!message) throw new NotFoundError();
  res.render('pages/admin/outbox-message', { title: message.subject, message });
}

export async function retry(req: Request, res: Response): Promise<void> {
  const n = await retryNow(idParam(req), Date.now());
  if (!n) throw new NotFoundError('No waiting or failed message with that number.');
  res.redirect(303, '/admin/outbox');
}
