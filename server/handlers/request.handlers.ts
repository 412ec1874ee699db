import type { Request, Response } from 'express';
import { NotFoundError, type ValidationError } from '../errors';
import { parseId } from '../ids';
import { requestCreateSchema } from '../schemas/request.schemas';
import { messageSchema } from '../schemas/case.schemas';
import { feedbackSchema } from '../schemas/feedback.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { receiveRequesterMessage } from '../services/case-messages.service';
import { findCaseByStatusToken, requestFormChoices, submitRequest } from '../services/request.service';
import { scheduledEngagementOf, statusPageOf } from '../services/status-page.service';
import { submitFeedback } from '../services/feedback.service';
import { topicList } from '../services/reference.service';
import { randomToken } from '../services/tokens';
import { sendCalendar } from './calendar';
import { cfg, errorsOf, formOrAgain } from './helpers';

async function renderForm(res: Response, values: Record<string, unknown>, error?: ValidationError): Promise<void> {
  res.render('pages/requests/new', {
    title: error ? 'Error: Ask for support' : 'Ask for support',
    values,
    ...errorsOf(error),
    ...(await requestFormChoices()),
  });
}

export async function home(_req: Request, res: Response): Promise<void> {
  const topics = await topicList();
  res.render('pages/home', { title: 'Technical assistance for state boards of education', topics });
}

export async function newRequest(_req: Request, res: Response): Promise<void> {
  await renderForm(res, { track: 'ta', idempotency_key: randomToken() });
}

export async function createRequest(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      const result = await submitRequest(formToPayload(body, requestCreateSchema), {
        source: 'web_form',
        secret: cfg(req).secret,
        timeZone: cfg(req).timeZone,
        clientAddress: req.ip,
      });
      // A bot that filled the hidden field is told nothing and gets nothing stored; the same
      // submission replayed from another address is told it was received, without the status link.
      if (result.kind === 'honeypot' || result.kind === 'replayed_elsewhere') return res.redirect(303, '/requests/received');
      res.redirect(303, `/status/${result.token}`);
    },
    (err) => renderForm(res, keptValues(body), err),
  );
}

export function received(_req: Request, res: Response): void {
  res.render('pages/requests/received', { title: 'Request received' });
}

const tokenOf = (req: Request) => String(req.params.token);

// The link is a secret: keep it out of caches, search engines and other sites' logs
// (same-origin, not no-referrer: with no-referrer browsers post the page's forms with Origin: null).
const SECRET_PAGE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'X-Robots-Tag': 'noindex' };

async function renderStatus(req: Request, res: Response, extra: Record<string, unknown> = {}): Promise<void> {
  res.set(SECRET_PAGE);
  const page = await statusPageOf(tokenOf(req), cfg(req).timeZone);
  res.render('pages/status/show', {
    ...page,
    ratings: [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n}${n === 1 ? ' (poor)' : n === 5 ? ' (excellent)' : ''}` })),
    // Form actions come from the token, never from the address the page was reached by (a trailing
    // slash, or the address of a form that failed, would make them point elsewhere).
    statusPath: `/status/${tokenOf(req)}`,
    values: {},
    errors: {},
    errorList: [],
    sent: req.query.sent === '1',
    thanks: req.query.thanks === '1',
    feedbackValues: {},
    feedbackErrors: {},
    ...extra,
  });
}

export const showStatus = (req: Request, res: Response) => renderStatus(req, res);

/**
 * A form of the status page: runs it and goes back to the page at `done` (303), or shows the page
 * again (422) with what was typed and the messages (`again` puts them in that form's boxes).
 */
async function statusForm(
  req: Request,
  res: Response,
  action: (body: Record<string, unknown>) => Promise<void>,
  done: string,
  again: (values: Record<string, unknown>, errors: Record<string, string>) => Record<string, unknown>,
): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      await action(body);
      res.set('Referrer-Policy', 'same-origin');
      res.redirect(303, `/status/${tokenOf(req)}?${done}`);
    },
    (err) => {
      const { errors, errorList } = errorsOf(err);
      return renderStatus(req, res, { ...again(keptValues(body), errors), errorList });
    },
  );
}

/** The requester answers the team from the status page. */
export const postStatusMessage = (req: Request, res: Response) =>
  statusForm(
    req,
    res,
    (body) => receiveRequesterMessage(tokenOf(req), formToPayload(body, messageSchema)),
    'sent=1#messages',
    (values, errors) => ({ values, errors }),
  );

/** The requester rates the help once the case is complete (one answer per case). */
export const postFeedback = (req: Request, res: Response) =>
  statusForm(
    req,
    res,
    async (body) => {
      const found = await findCaseByStatusToken(tokenOf(req));
      if (!found) throw new NotFoundError('We could not find a request for this link.');
      await submitFeedback(found, formToPayload(body, feedbackSchema));
    },
    'thanks=1#feedback',
    (values, errors) => ({ feedbackValues: values, feedbackErrors: errors }),
  );

/** The requester downloads a scheduled engagement of their own request as a calendar file. */
export async function statusCalendar(req: Request, res: Response): Promise<void> {
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
  const { kase, engagement } = await scheduledEngagementOf(tokenOf(req), parseId(req.params.eid));
  sendCalendar(res, cfg(req), engagement, kase);
}
