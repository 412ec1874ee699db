import type { Request, Response } from 'express';
import type { ValidationError } from '../errors';
import { MEETING_NUMBERS, assignmentSchema, cohortSchema } from '../schemas/cohort.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { attendanceOpen } from '../services/cohort-network-case.service';
import { addAssignment } from '../services/cohort-course.service';
import { cohortDetail, cohortOr404, cohortsPage, createCohort, updateCohort, windowOpen } from '../services/cohort.service';
import { jurisdictionNames } from '../services/reference.service';
import { assignReviewers, reviewerChoices } from '../services/review.service';
import { addDays, todayIn } from '../services/time';
import { randomToken } from '../services/tokens';
import { ATTENDANCE, MEETING_MODES, choices } from '../vocabulary';
import { actorOf, cfg, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';
import { bodyOf, ctxOf, meetingView, programActorOf } from './program-helpers';

/** GET /cohorts: the cohorts taking applications now, for anyone; every cohort too, for a director. */
export async function index(req: Request, res: Response): Promise<void> {
  const today = todayIn(cfg(req).timeZone);
  const isDirector = req.user?.role === 'director';
  const { open, all } = await cohortsPage(today, req.user);
  res.render('pages/cohorts/index', {
    title: 'National Cohort',
    open,
    isDirector,
    isStaff: Boolean(req.user),
    cohorts: all.map((c) => ({ ...c, windowOpen: windowOpen(c, today), upcoming: today < c.opens_on })),
  });
}

const formLookups = () => ({ modes: choices(MEETING_MODES), meetingNumbers: MEETING_NUMBERS });

function renderForm(
  res: Response,
  status: number,
  view: { title: string; action: string; cohort?: unknown; values: Record<string, unknown>; error?: ValidationError },
) {
  res.status(status).render('pages/cohorts/form', {
    title: view.error ? `Error: ${view.title}` : view.title,
    heading: view.title,
    action: view.action,
    cohort: view.cohort,
    values: view.values,
    ...errorsOf(view.error),
    ...formLookups(),
  });
}

export function newForm(req: Request, res: Response): void {
  const today = todayIn(cfg(req).timeZone);
  const values: Record<string, unknown> = {
    year: today.slice(0, 4),
    opens_on: today,
    closes_on: addDays(today, 30),
    idempotency_key: randomToken(),
  };
  for (const n of MEETING_NUMBERS) values[`meeting_${n}_duration_minutes`] = '90';
  renderForm(res, 200, { title: 'Open a cohort', action: '/cohorts', values });
}

export async function create(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const id = await createCohort(formToPayload(body, cohortSchema), programActorOf(req), ctxOf(req));
      res.redirect(303, `/cohorts/${id}?saved=1`);
    },
    (err) => renderForm(res, 422, { title: 'Open a cohort', action: '/cohorts', values: keptValues(body), error: err }),
  );
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { cohort, meetings } = await cohortDetail(idParam(req), actorOf(req));
  const values: Record<string, unknown> = {
    year: String(cohort.year),
    name: cohort.name,
    description: cohort.description ?? '',
    opens_on: cohort.opens_on,
    closes_on: cohort.closes_on,
  };
  for (const n of MEETING_NUMBERS) {
    const m = meetings.find((x) => x.number === n);
    values[`meeting_${n}_date`] = m?.date ?? '';
    values[`meeting_${n}_start_time`] = m?.start_time ?? '';
    values[`meeting_${n}_duration_minutes`] = String(m?.duration_minutes ?? 90);
    values[`meeting_${n}_mode`] = m?.mode ?? '';
    values[`meeting_${n}_place`] = m?.place ?? '';
  }
  renderForm(res, 200, { title: `Edit ${cohort.name}`, action: `/cohorts/${cohort.id}`, cohort, values });
}

export async function update(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await updateCohort(cohort.id, formToPayload(body, cohortSchema), programActorOf(req), ctxOf(req));
      res.redirect(303, `/cohorts/${cohort.id}?saved=1`);
    },
    (err) =>
      renderForm(res, 422, { title: `Edit ${cohort.name}`, action: `/cohorts/${cohort.id}`, cohort, values: keptValues(body), error: err }),
  );
}

/** The director's cohort page, optionally with the new-assignment form's failure. */
async function renderCohort(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const detail = await cohortDetail(idParam(req), actorOf(req));
  const [names, reviewers] = await Promise.all([jurisdictionNames(), reviewerChoices(detail.cohort.id, actorOf(req))]);
  const today = todayIn(cfg(req).timeZone);
  const meetings = detail.meetings.map((m) => ({
    ...meetingView(m),
    canTakeAttendance: m.status !== 'cancelled' && attendanceOpen(m.date, ctxOf(req)),
  }));
  const roster = detail.roster.map((p) => {
    const progress = detail.progress.get(p.id);
    return {
      ...p,
      jurisdiction: names.get(p.jurisdiction_code) ?? p.jurisdiction_code,
      marks: meetings.map((m) => ATTENDANCE[progress?.marks.get(m.id) as keyof typeof ATTENDANCE] ?? 'Not taken'),
      progress,
    };
  });
  res.status(status).render('pages/cohorts/show', {
    title: extra.error ? `Error: ${detail.cohort.name}` : detail.cohort.name,
    cohort: detail.cohort,
    windowOpen: windowOpen(detail.cohort, today),
    meetings,
    roster,
    assignments: detail.assignments.map((a) => ({
      ...a,
      completed: detail.completions.filter((c) => c.assignment_id === a.id && detail.roster.some((p) => p.id === c.application_id)).length,
    })),
    completedCount: roster.filter((p) => p.progress?.completedCourse).length,
    flash: req.query.saved ? 'Saved.' : undefined,
    reviewers: reviewers.chosen,
    reviewerOptions: reviewers.users.map((u) => ({ value: String(u.id), label: u.name })),
    values: { reviewer_ids: reviewers.chosen.map((u) => String(u.id)), ...(extra.values ?? { idempotency_key: randomToken() }) },
    ...errorsOf(extra.error),
  });
}

export const show = (req: Request, res: Response) => renderCohort(req, res);

/** POST /cohorts/:id/reviewers: who reviews this cohort's applications (directors). */
export async function setReviewers(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await assignReviewers(cohort.id, body, actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}?saved=1#reviewers`);
    },
    (err) => renderCohort(req, res, 422, { values: keptValues(body), error: err }),
  );
}

export async function createAssignment(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await addAssignment(cohort.id, formToPayload(body, assignmentSchema), actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}?saved=1#assignments`);
    },
    (err) => renderCohort(req, res, 422, { values: keptValues(body), error: err }),
  );
}
