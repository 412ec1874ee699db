import type { Request, Response } from 'express';
import { ValidationError } from '../errors';
import { CRITERIA, decisionSchema } from '../schemas/application.schemas';
import { completionSchema } from '../schemas/cohort.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { allReviews, applicationOfCohort, decide, rankingOf } from '../services/application.service';
import {
  assignmentOr404,
  attendanceRefusal,
  cohortDetail,
  cohortOr404,
  meetingOr404,
  recordCompletions,
  takeAttendance,
} from '../services/cohort.service';
import { ATTENDANCE, DECISIONS, choices } from '../vocabulary';
import { errorsOf } from './helpers';
import { actorOf, bodyOf, ctxOf, jurisdictionNames, meetingView } from './cohort.handlers';
import { idParam } from './params';

/** A review with its three criteria in display order. */
export function reviewView(r: {
  equity_score: number;
  equity_comment: string;
  openness_score: number;
  openness_comment: string;
  leadership_score: number;
  leadership_comment: string;
  reviewer_name?: string;
}) {
  const of = r as unknown as Record<string, unknown>;
  return {
    reviewer: r.reviewer_name,
    criteria: CRITERIA.map((c) => ({ label: c.label, score: of[`${c.key}_score`], comment: of[`${c.key}_comment`] })),
  };
}

/** GET /cohorts/:id/applications: the applications ranked by mean score, with every review (directors). */
export async function ranking(req: Request, res: Response): Promise<void> {
  const { cohort, ranked } = await rankingOf(idParam(req));
  const names = await jurisdictionNames();
  res.render('pages/cohorts/applications', {
    title: `Applications to ${cohort.name}`,
    cohort,
    rows: ranked.map((a) => ({
      ...a,
      jurisdiction: names.get(a.jurisdiction_code) ?? a.jurisdiction_code,
      decisionLabel: a.decision ? DECISIONS[a.decision as keyof typeof DECISIONS] : 'Not decided',
      reviewList: a.reviewList.map(reviewView),
    })),
    decisions: choices(DECISIONS),
    flash: req.query.saved ? 'Decision saved.' : undefined,
  });
}

async function renderApplication(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const application = await applicationOfCohort(cohort.id, idParam(req, 'aid'));
  const [{ reviews, mean }, names] = await Promise.all([allReviews(application.id), jurisdictionNames()]);
  res.status(status).render('pages/cohorts/application', {
    title: `${extra.error ? 'Error: ' : ''}Application from ${application.name}`,
    cohort,
    application,
    jurisdiction: names.get(application.jurisdiction_code) ?? application.jurisdiction_code,
    answers: CRITERIA.map((c) => ({ label: c.label, text: application[c.answer] })),
    reviews: reviews.map(reviewView),
    mean,
    decisionLabel: application.decision ? DECISIONS[application.decision as keyof typeof DECISIONS] : 'Not decided',
    decisions: choices(DECISIONS),
    values: extra.values ?? { decision: application.decision ?? '' },
    ...errorsOf(extra.error),
  });
}

/** GET /cohorts/:id/applications/:aid: one application, every review and the decision form (directors). */
export const applicationPage = (req: Request, res: Response) => renderApplication(req, res);

/** POST /cohorts/:id/applications/:aid/decision */
export async function decision(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const application = await applicationOfCohort(cohort.id, idParam(req, 'aid'));
  const body = bodyOf(req);
  try {
    await decide(cohort.id, application.id, formToPayload(body, decisionSchema), actorOf(req));
    res.redirect(303, `/cohorts/${cohort.id}/applications?saved=1#application-${application.id}`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await renderApplication(req, res, 422, { values: keptValues(body), error: err });
  }
}

async function renderAttendance(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const detail = await cohortDetail(idParam(req));
  const meeting = await meetingOr404(detail.cohort.id, idParam(req, 'mid'));
  const names = await jurisdictionNames();
  const values: Record<string, unknown> = { summary: meeting.summary ?? '' };
  for (const a of detail.attendance.filter((x) => x.meeting_id === meeting.id)) values[`attendance_${a.application_id}`] = a.status;
  res.status(status).render('pages/cohorts/attendance', {
    title: `${extra.error ? 'Error: ' : ''}Attendance at meeting ${meeting.number} of ${detail.cohort.name}`,
    cohort: detail.cohort,
    meeting: meetingView(meeting),
    refusal: attendanceRefusal(meeting, detail.roster.length, ctxOf(req)),
    roster: detail.roster.map((p) => ({
      ...p,
      field: `attendance_${p.id}`,
      legend: `${p.name}, ${names.get(p.jurisdiction_code) ?? p.jurisdiction_code}`,
    })),
    marks: choices(ATTENDANCE),
    values: extra.values ?? values,
    ...errorsOf(extra.error),
  });
}

/** GET /cohorts/:id/meetings/:mid/attendance */
export const attendanceForm = (req: Request, res: Response) => renderAttendance(req, res);

/** POST /cohorts/:id/meetings/:mid/attendance */
export async function attendance(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const meeting = await meetingOr404(cohort.id, idParam(req, 'mid'));
  const body = bodyOf(req);
  try {
    await takeAttendance(cohort.id, meeting.id, body, actorOf(req), ctxOf(req));
    res.redirect(303, `/cohorts/${cohort.id}?saved=1#roster`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await renderAttendance(req, res, 422, { values: keptValues(body), error: err });
  }
}

async function renderCompletion(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const detail = await cohortDetail(idParam(req));
  const assignment = await assignmentOr404(detail.cohort.id, idParam(req, 'asid'));
  const names = await jurisdictionNames();
  const done = detail.completions.filter((c) => c.assignment_id === assignment.id).map((c) => String(c.application_id));
  res.status(status).render('pages/cohorts/assignment', {
    title: `${extra.error ? 'Error: ' : ''}${assignment.title}`,
    cohort: detail.cohort,
    assignment,
    participants: detail.roster.map((p) => ({
      value: String(p.id),
      label: `${p.name}, ${names.get(p.jurisdiction_code) ?? p.jurisdiction_code}`,
    })),
    values: extra.values ?? { completed: done },
    ...errorsOf(extra.error),
  });
}

/** GET /cohorts/:id/assignments/:asid: who completed an assignment. */
export const completionForm = (req: Request, res: Response) => renderCompletion(req, res);

/** POST /cohorts/:id/assignments/:asid */
export async function completions(req: Request, res: Response): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const assignment = await assignmentOr404(cohort.id, idParam(req, 'asid'));
  const body = bodyOf(req);
  try {
    const payload = formToPayload(body, completionSchema);
    if (Array.isArray(payload.completed)) payload.completed = payload.completed.map((v) => (/^\d+$/.test(String(v)) ? Number(v) : v));
    await recordCompletions(cohort.id, assignment.id, payload, actorOf(req));
    res.redirect(303, `/cohorts/${cohort.id}?saved=1#assignments`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const kept = keptValues(body);
    await renderCompletion(req, res, 422, { values: { ...kept, completed: ([] as unknown[]).concat(kept.completed ?? []) }, error: err });
  }
}
