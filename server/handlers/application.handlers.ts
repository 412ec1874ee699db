import type { Request, Response } from 'express';
import { NotFoundError, type ValidationError } from '../errors';
import { CRITERIA, applicationSchema, reviewSchema } from '../schemas/application.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import {
  closedMessage,
  findApplicationByToken,
  reviewsVisibleTo,
  scoreApplication,
  submitApplication,
} from '../services/application.service';
import { cohortOr404, meetingsHeld, windowOpen } from '../services/cohort.service';
import { jurisdictionList, jurisdictionNames } from '../services/reference.service';
import { applicationNumber, reviewListFor, reviewableApplication } from '../services/review.service';
import { todayIn } from '../services/time';
import { randomToken } from '../services/tokens';
import { DECISIONS, DECISION_FOR_APPLICANT, MEETING_MODES } from '../vocabulary';
import { actorOf, cfg, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';
import { bodyOf, reviewView } from './program-helpers';

/** The meetings an applicant or participant is shown (not the cancelled ones), with their words. */
const meetingsShown = async (cohortId: number) =>
  (await meetingsHeld(cohortId)).map((m) => ({ ...m, modeLabel: MEETING_MODES[m.mode as keyof typeof MEETING_MODES] }));

async function renderApply(
  req: Request,
  res: Response,
  status: number,
  values: Record<string, unknown>,
  error?: ValidationError,
): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const today = todayIn(cfg(req).timeZone);
  const open = windowOpen(cohort, today);
  const jurisdictions = await jurisdictionList();
  res.status(status).render('pages/cohorts/apply', {
    title: `${error ? 'Error: ' : ''}Apply to ${cohort.name}`,
    cohort,
    open,
    closedText: open ? undefined : closedMessage(cohort, today),
    meetings: await meetingsShown(cohort.id),
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    values,
    ...errorsOf(error),
  });
}

/** GET /cohorts/:id/apply: the public application form, or a notice that applications are closed. */
export const applyForm = (req: Request, res: Response) => renderApply(req, res, 200, { idempotency_key: randomToken() });

/** POST /cohorts/:id/apply: 303 to the applicant's status link; 409 outside the window. */
export async function apply(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const result = await submitApplication(cohort.id, formToPayload(body, applicationSchema), {
        secret: cfg(req).secret,
        timeZone: cfg(req).timeZone,
      });
      // A bot that filled the hidden field is told nothing and gets nothing stored.
      if (result.kind === 'honeypot') return res.redirect(303, '/requests/received');
      res.set('Referrer-Policy', 'no-referrer');
      res.redirect(303, `/applications/${result.token}?received=1`);
    },
    (err) => renderApply(req, res, 422, keptValues(body), err),
  );
}

/** GET /applications/:token: the applicant's private status page. */
export async function status(req: Request, res: Response): Promise<void> {
  const found = await findApplicationByToken(String(req.params.token));
  // The link is a secret: keep it out of caches, search engines and other sites' logs.
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
  if (!found) throw new NotFoundError('We could not find an application for this link. Check that you copied the whole link.');
  const { application, cohort } = found;
  const decision = (application.decision ?? 'pending') as keyof typeof DECISION_FOR_APPLICANT;
  const names = await jurisdictionNames();
  const selected = application.decision === 'selected';
  res.render('pages/applications/show', {
    title: `Your application to ${cohort.name}`,
    application,
    cohort,
    received: req.query.received === '1',
    statusLabel: application.decision ? DECISIONS[application.decision as keyof typeof DECISIONS] : 'Under review',
    statusText: DECISION_FOR_APPLICANT[decision],
    jurisdiction: names.get(application.jurisdiction_code) ?? application.jurisdiction_code,
    answers: CRITERIA.map((c) => ({ label: c.label, text: application[c.answer] })),
    // The meetings are for those who take part; nothing of the reviews is ever shown here.
    meetings: selected ? await meetingsShown(cohort.id) : [],
    selected,
  });
}

/** GET /reviews: the applications the user may review, with whether they scored each (nothing of others' scores). */
export async function reviews(req: Request, res: Response): Promise<void> {
  const user = actorOf(req);
  const rows = await reviewListFor(user);
  const names = await jurisdictionNames();
  const cohorts: {
    id: number;
    name: string;
    year: number;
    applications: ((typeof rows)[number] & { jurisdiction?: string })[];
    toScore: number;
  }[] = [];
  for (const row of rows) {
    let group = cohorts.find((c) => c.id === row.cohort_id);
    if (!group) cohorts.push((group = { id: row.cohort_id, name: row.cohort_name, year: row.cohort_year, applications: [], toScore: 0 }));
    group.applications.push({
      ...row,
      jurisdiction: row.jurisdiction_code ? (names.get(row.jurisdiction_code) ?? row.jurisdiction_code) : undefined,
    });
    if (!row.scored) group.toScore += 1;
  }
  res.render('pages/applications/reviews', { title: 'Applications to review', cohorts, isDirector: user.role === 'director' });
}

async function renderReview(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const user = actorOf(req);
  const application = await reviewableApplication(idParam(req), user);
  const cohort = await cohortOr404(application.cohort_id);
  const isDirector = user.role === 'director';
  const names = await jurisdictionNames();
  const label = `Application ${await applicationNumber(application)}`;
  // Blind scoring: `visible` holds nothing of other reviewers for a reviewer, and for a director
  // nothing until they have scored.
  const visible = await reviewsVisibleTo(application.id, user);
  res.status(status).render('pages/applications/review', {
    title: `${extra.error ? 'Error: ' : ''}Review: ${isDirector ? application.name : label}`,
    // A reviewer's page never receives the applicant's name, e-mail, organization or state.
    heading: isDirector ? application.name : label,
    isDirector,
    application: { id: application.id, board_role: application.board_role, years_on_board: application.years_on_board },
    cohort,
    jurisdiction: isDirector ? (names.get(application.jurisdiction_code) ?? application.jurisdiction_code) : undefined,
    answers: CRITERIA.map((c) => ({ label: c.label, text: application[c.answer] })),
    criteria: CRITERIA.map((c) => ({
      ...c,
      scoreField: `${c.key}_score`,
      commentField: `${c.key}_comment`,
      legend: `Score for ${c.label.charAt(0).toLowerCase()}${c.label.slice(1)}`,
      commentLabel: `Comment on ${c.label.charAt(0).toLowerCase()}${c.label.slice(1)}`,
    })),
    scores: [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n}${n === 1 ? ' (weak)' : n === 5 ? ' (outstanding)' : ''}` })),
    scored: visible.scored,
    mine: visible.scored ? reviewView(visible.mine) : undefined,
    showOthers: isDirector && visible.scored,
    others: visible.scored ? visible.others.map(reviewView) : [],
    mean: visible.scored ? visible.mean : undefined,
    count: visible.scored ? visible.count : undefined,
    flash: req.query.saved ? 'Your scores are saved.' : undefined,
    values: extra.values ?? {},
    ...errorsOf(extra.error),
  });
}

/** GET /reviews/:id: the application and the reviewer's score form (blind until scored). */
export const reviewPage = (req: Request, res: Response) => renderReview(req, res);

/** POST /reviews/:id: the reviewer's scores; final once given (409 for a second review). */
export async function score(req: Request, res: Response): Promise<void> {
  const application = await reviewableApplication(idParam(req), actorOf(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await scoreApplication(application.id, formToPayload(body, reviewSchema), actorOf(req));
      res.redirect(303, `/reviews/${application.id}?saved=1`);
    },
    (err) => renderReview(req, res, 422, { values: keptValues(body), error: err }),
  );
}
