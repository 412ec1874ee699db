import type { Request, Response } from 'express';
import type { ValidationError } from '../errors';
import { CRITERIA, decisionSchema } from '../schemas/application.schemas';
import { completionSchema } from '../schemas/cohort.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { allReviews, applicationOfCohort, decide, rankingOf } from '../services/application.service';
import { assignmentOr404, attendanceRefusal, meetingOr404, recordCompletions, takeAttendance } from '../services/cohort-course.service';
import { cohortDetail, cohortOr404 } from '../services/cohort.service';
import { jurisdictionNames } from '../services/reference.service';
import { ATTENDANCE, DECISIONS, choices } from '../vocabulary';
import { actorOf, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';
import { bodyOf, ctxOf, listOf, numberIds, meetingView, programActorOf, reviewView } from './program-helpers';

/** A page's form again after a refusal: the values as sent and the messages. */
type Again = { values?: Record<string, unknown>; error?: ValidationError };

/** The cohort's page data, one of its items (a meeting, an assignment) and the jurisdictions' names. */
async function cohortWith<T>(req: Request, itemOf: (cohortId: number) => Promise<T>) {
  const detail = await cohortDetail(idParam(req), actorOf(req));
  const [item, names] = await Promise.all([itemOf(detail.cohort.id), jurisdictionNames()]);
  const who = (p: { name: string; jurisdiction_code: string }) => `${p.name}, ${names.get(p.jurisdiction_code) ?? p.jurisdiction_code}`;
  return { detail, item, who };
}

/** GET /cohorts/:id/applications: the applications ranked by mean score, with every review (directors). */
export async function ranking(req: Request, res: Response): Promise<void> {
  const { cohort, ranked } = await rankingOf(idParam(req), actorOf(req));
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

async function renderApplication(req: Request, res: Response, status = 200, extra: Again = {}): Promise<void> {
  const cohort = await cohortOr404(idParam(req));
  const application = await applicationOfCohort(cohort.id, idParam(req, 'aid'));
  const [{ reviews, mean }, names] = await Promise.all([allReviews(application.id, actorOf(req)), jurisdictionNames()]);
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
  await formOrAgain(
    res,
    async () => {
      await decide(cohort.id, application.id, formToPayload(body, decisionSchema), actorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}/applications?saved=1#application-${application.id}`);
    },
    (err) => renderApplication(req, res, 422, { values: keptValues(body), error: err }),
  );
}

async function renderAttendance(req: Request, res: Response, status = 200, extra: Again = {}): Promise<void> {
  const { detail, item: meeting, who } = await cohortWith(req, (cohortId) => meetingOr404(cohortId, idParam(req, 'mid')));
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
      legend: who(p),
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
  await formOrAgain(
    res,
    async () => {
      await takeAttendance(cohort.id, meeting.id, body, programActorOf(req), ctxOf(req));
      res.redirect(303, `/cohorts/${cohort.id}?saved=1#roster`);
    },
    (err) => renderAttendance(req, res, 422, { values: keptValues(body), error: err }),
  );
}

async function renderCompletion(req: Request, res: Response, status = 200, extra: Again = {}): Promise<void> {
  const { detail, item: assignment, who } = await cohortWith(req, (cohortId) => assignmentOr404(cohortId, idParam(req, 'asid')));
  const done = detail.completions.filter((c) => c.assignment_id === assignment.id).map((c) => String(c.application_id));
  res.status(status).render('pages/cohorts/assignment', {
    title: `${extra.error ? 'Error: ' : ''}${assignment.title}`,
    cohort: detail.cohort,
    assignment,
    participants: detail.roster.map((p) => ({ value: String(p.id), label: who(p) })),
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
  await formOrAgain(
    res,
    async () => {
      const payload = formToPayload(body, completionSchema);
      numberIds(payload, 'completed');
      await recordCompletions(cohort.id, assignment.id, payload, programActorOf(req));
      res.redirect(303, `/cohorts/${cohort.id}?saved=1#assignments`);
    },
    (err) => {
      const kept = keptValues(body);
      return renderCompletion(req, res, 422, { values: { ...kept, completed: listOf(kept.completed) }, error: err });
    },
  );
}
