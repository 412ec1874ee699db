import type { Request, Response } from 'express';

/** What a confirmation page asks: the question (its title), what will happen, and where "no" leads. */
interface Confirmation {
  title: string;
  details: string[];
  confirmLabel: string;
  backHref: string;
}

/**
 * A destructive action is made only when its form says `confirm=yes`. The first post (the button on
 * the page) answers with a page that asks, whose form posts again with it: a confirmation step that
 * needs no JavaScript. True when the page was sent and the action must not run.
 */
export function askFirst(req: Request, res: Response, confirmation: Confirmation): boolean {
  if ((req.body as Record<string, unknown> | undefined)?.confirm === 'yes') return false;
  res.status(200).render('pages/confirm', { ...confirmation, action: req.originalUrl.split('?')[0] });
  return true;
}
