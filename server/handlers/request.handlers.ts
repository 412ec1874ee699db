import type { Request, Response } from 'express';
import { idParam } from './params';
import type { Config } from '../config';
import { ValidationError } from '../errors';
import { listJurisdictions, listTopics } from '../queries/reference.queries';
import { requestCreateSchema } from '../schemas/request.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { findCaseByStatusToken, receiptSkipped, submitRequest } from '../services/request.service';
import { randomToken } from '../services/tokens';
import {
  CLOSED_STATUSES,
  CaseStatus,
  FORMATS,
  ORGANIZATION_TYPES,
  PREFERRED_FORMATS,
  STATUSES,
  STATUS_FOR_REQUESTER,
  TRACKS,
  choices,
} from '../vocabulary';
import { NotFoundError } from '../errors';
import { caseMessages } from '../queries/case.queries';
import { engagementsOfCase, findEngagement } from '../queries/engagement.queries';
import { todayIn } from '../services/time';
import { sendCalendar } from './calendar';
import { findUserById } from '../queries/user.queries';
import { messageSchema } from '../schemas/case.schemas';
import { receiveRequesterMessage } from '../services/case.service';
import { feedbackOf, submitFeedback } from '../services/feedback.service';
import { feedbackSchema } from '../schemas/feedback.schemas';

function config(req: Request): Config {
  return req.app.locals.config as Config;
}

async function renderForm(res: Response, status: number, values: Record<string, unknown>, error?: ValidationError): Promise<void> {
  const [jurisdictions, topics] = await Promise.all([listJurisdictions(), listTopics()]);
  const errors = Object.fromEntries((error?.errors ?? []).map((e) => [e.field, e.message]));
  res.status(status).render('pages/requests/new', {
    title: error ? 'Error: Ask for support' : 'Ask for support',
    values,
    errors,
    errorList: error?.errors ?? [],
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    tracks: choices(TRACKS),
    formats: choices(PREFERRED_FORMATS),
    organizationTypes: choices(ORGANIZATION_TYPES),
  });
}

export async function home(_req: Request, res: Response): Promise<void> {
  const topics = await listTopics();
  res.render('pages/home', { title: 'Technical assistance for state boards of education', topics });
}

export async function newRequest(_req: Request, res: Response): Promise<void> {
  await renderForm(res, 200, { track: 'ta', idempotency_key: randomToken() });
}

export async function createRequest(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    const result = await submitRequest(formToPayload(body, requestCreateSchema), {
      source: 'web_form',
      secret: config(req).secret,
      timeZone: config(req).timeZone,
      clientAddress: req.ip,
    });
    // A bot that filled the hidden field is told nothing and gets nothing stored; the same
    // submission replayed from another address is told it was received, without the status link.
    if (result.kind === 'honeypot' || result.kind === 'replayed_elsewhere') return res.redirect(303, '/requests/received');
    res.redirect(303, `/status/${result.token}`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await renderForm(res, 422, keptValues(body), err);
  }
}

export function received(_req: Request, res: Response): void {
  res.render('pages/requests/received', { title: 'Request received' });
}

async function renderStatus(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}): Promise<void> {
  const found = await findCaseByStatusToken(String(req.params.token));
  // The link is a secret: keep it out of caches, search engines and other sites' logs
  // (same-origin, not no-referrer: with no-referrer browsers post the page's forms with Origin: null).
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin', 'X-Robots-Tag': 'noindex' });
  if (!found) throw new NotFoundError('We could not find a request for this link. Check that you copied the whole link from your e-mail.');
  const [jurisdictions, consultant, messages, engagements, feedback] = await Promise.all([
    listJurisdictions(),
    found.lead_consultant_id ? findUserById(found.lead_consultant_id) : Promise.resolve(undefined),
    caseMessages(found.id),
    engagementsOfCase(found.id),
    feedbackOf(found.id),
  ]);
  const today = todayIn(config(req).timeZone);
  const closed = CLOSED_STATUSES.includes(found.status as CaseStatus);
  // Only what the requester needs to attend: never the staff's summary notes or follow-ups. A
  // completed or closed case has no meetings ahead, whatever is left on it.
  const upcoming = closed
    ? []
    : engagements
        .filter((e) => e.status === 'scheduled' && e.date >= today)
        .map((e) => ({
          id: e.id,
          date: e.date,
          start_time: e.start_time,
          duration_minutes: e.duration_minutes,
          formatLabel: FORMATS[e.format as keyof typeof FORMATS],
          location: e.location,
          meeting_url: e.meeting_url,
        }));
  // Form actions come from the token, never from the address the page was reached by (a trailing
  // slash, or the address of a form that failed, would make them point elsewhere).
  const statusPath = `/status/${String(req.params.token)}`;
  res.status(status).render('pages/status/show', {
    title: `Request ${found.reference}`,
    kase: found,
    statusLabel: STATUSES[found.status as keyof typeof STATUSES],
    statusText: STATUS_FOR_REQUESTER[found.status as keyof typeof STATUS_FOR_REQUESTER],
    jurisdiction: jurisdictions.find((j) => j.code === found.jurisdiction_code)?.name,
    track: TRACKS[found.track as keyof typeof TRACKS],
    format: PREFERRED_FORMATS[found.preferred_format as keyof typeof PREFERRED_FORMATS],
    organizationType: ORGANIZATION_TYPES[found.organization_type as keyof typeof ORGANIZATION_TYPES],
    consultant: consultant ? { name: consultant.name } : undefined,
    upcoming,
    feedbackOpen: found.status === 'completed' && !feedback,
    feedbackGiven: Boolean(feedback),
    ratings: [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n}${n === 1 ? ' (poor)' : n === 5 ? ' (excellent)' : ''}` })),
    messages: messages.map((m) => ({
      body: m.body,
      created_at: m.created_at,
      fromStaff: m.author_kind === 'staff',
      author: m.author_kind === 'staff' ? m.author_name : found.requester_name,
    })),
    canMessage: true,
    closed,
    closingReason: ['declined', 'withdrawn'].includes(found.status) ? found.closing_reason : undefined,
    receiptSkipped: await receiptSkipped(found),
    statusPath,
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

/** The requester answers the team from the status page. */
export async function postStatusMessage(req: Request, res: Response): Promise<void> {
  const found = await findCaseByStatusToken(String(req.params.token));
  if (!found) throw new NotFoundError('We could not find a request for this link.');
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await receiveRequesterMessage(found, formToPayload(body, messageSchema));
    res.set('Referrer-Policy', 'same-origin');
    res.redirect(303, `/status/${String(req.params.token)}?sent=1#messages`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const errors = Object.fromEntries(err.errors.map((e) => [e.field, e.message]));
    await renderStatus(req, res, 422, { values: keptValues(body), errors, errorList: err.errors });
  }
}

/** The requester downloads a scheduled engagement of their own request as a calendar file. */
export async function statusCalendar(req: Request, res: Response): Promise<void> {
  const found = await findCaseByStatusToken(String(req.params.token));
  const engagement = found ? await findEngagement(idParam(req, 'eid')) : undefined;
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
  if (!found || !engagement || engagement.case_id !== found.id || engagement.status !== 'scheduled') {
    throw new NotFoundError('We could not find that engagement.');
  }
  sendCalendar(res, config(req), engagement, found);
}

/** The requester rates the help once the case is complete (one answer per case). */
export async function postFeedback(req: Request, res: Response): Promise<void> {
  const found = await findCaseByStatusToken(String(req.params.token));
  if (!found) throw new NotFoundError('We could not find a request for this link.');
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await submitFeedback(found, formToPayload(body, feedbackSchema));
    res.set('Referrer-Policy', 'same-origin');
    res.redirect(303, `/status/${String(req.params.token)}?thanks=1#feedback`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const errors = Object.fromEntries(err.errors.map((e) => [e.field, e.message]));
    await renderStatus(req, res, 422, { feedbackValues: keptValues(body), feedbackErrors: errors, errorList: err.errors });
  }
}
