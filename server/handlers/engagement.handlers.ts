import type { Request, Response } from 'express';
import { idParam } from './params';
import type { Config } from '../config';
import { EditConflictError, ValidationError } from '../errors';
import { versionOfForm } from '../services/edit-conflict';
import { findCaseById, topicsOfCase } from '../queries/case.queries';
import { listJurisdictions, listTopics } from '../queries/reference.queries';
import { assignmentCandidates } from '../queries/consultant.queries';
import { findUserById } from '../queries/user.queries';
import { ENGAGEMENT_STATUSES, engagementSchema, validateEngagement } from '../schemas/engagement.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { formatAttendees, parseAttendees } from '../services/attendees';
import type { Staff } from '../services/case.service';
import {
  cancelEngagement,
  caseOpenForEngagements,
  createEngagement,
  deleteEngagement,
  engagementForUser,
  refuseProgramEngagement,
  updateEngagement,
} from '../services/engagement.service';
import { askFirst } from './confirm';
import { takeKeptForm } from '../middleware/kept-form';
import { todayIn } from '../services/time';
import { FORMATS, choices } from '../vocabulary';
import { sendCalendar } from './calendar';
import { errorsOf } from './helpers';

const cfg = (req: Request) => req.app.locals.config as Config;
const staffOf = (req: Request) => req.user as Staff;
const meta = (req: Request) => ({ path: req.originalUrl, ip: req.ip });

/** What the form offers; `facilitatorIds` (an engagement's own) are offered even if since deactivated. */
async function formContext(caseId: number, facilitatorIds: number[] = []) {
  const kase = await findCaseById(caseId);
  const [jurisdictions, topics, staff] = await Promise.all([
    listJurisdictions(),
    listTopics(),
    assignmentCandidates(kase?.jurisdiction_code ?? '', caseId),
  ]);
  const staffOptions = staff.map((s) => ({ value: String(s.id), label: s.name }));
  for (const id of facilitatorIds) {
    if (staff.some((s) => s.id === id)) continue;
    const user = await findUserById(id);
    if (user) staffOptions.push({ value: String(id), label: `${user.name} (no longer active)` });
  }
  return {
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    staffOptions,
    formats: choices(FORMATS),
    statuses: choices(ENGAGEMENT_STATUSES),
    jurisdictions,
  };
}

/**
 * The form's fields in the JSON shape the schema judges: checkbox ids as numbers, and the
 * attendee lines read into a list (a line that cannot be read is an error at that field).
 */
async function payloadOf(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const payload = formToPayload(body, engagementSchema);
  if (Array.isArray(payload.consultant_ids))
    payload.consultant_ids = payload.consultant_ids.map((v) => (/^\d+$/.test(String(v)) ? Number(v) : v));
  delete payload.attendees;
  const text = typeof body.attendees === 'string' ? body.attendees : '';
  if (text.trim()) {
    const { attendees, error } = parseAttendees(text, await listJurisdictions());
    if (error) {
      // Report the unreadable line together with whatever else is wrong in the form.
      const others = (() => {
        try {
          validateEngagement(payload);
          return [];
        } catch (e) {
          return e instanceof ValidationError ? e.errors : [];
        }
      })();
      throw new ValidationError([...others, { field: 'attendees', message: error }]);
    }
    payload.attendees = attendees;
  }
  return payload;
}

export async function newForm(req: Request, res: Response): Promise<void> {
  const kase = await caseOpenForEngagements(idParam(req), staffOf(req), meta(req));
  const today = todayIn(cfg(req).timeZone);
  // Back after signing in again, with what was typed into the form before the session ended.
  const kept = takeKeptForm(req, /^\/cases\/\d+\/engagements$/);
  res.render('pages/engagements/form', {
    title: `Add an engagement to ${kase.reference}`,
    kase,
    action: `/cases/${kase.id}/engagements`,
    values: {
      date: today,
      status: 'scheduled',
      duration_minutes: '60',
      format: kase.preferred_format in FORMATS ? kase.preferred_format : '',
      consultant_ids: [String(staffOf(req).id)],
      jurisdictions: [kase.jurisdiction_code],
      // The case's topics, to keep or change.
      topics: (await topicsOfCase(kase.id)).map((t) => t.slug),
      ...(kept ? keptValues(kept.fields) : {}),
    },
    restored: Boolean(kept),
    errors: {},
    errorList: [],
    ...(await formContext(kase.id)),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const kase = await caseOpenForEngagements(idParam(req), staffOf(req), meta(req));
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await createEngagement(kase.id, await payloadOf(body), staffOf(req), { timeZone: cfg(req).timeZone });
    res.redirect(303, `/cases/${kase.id}?saved=1#engagements`);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    res.status(422).render('pages/engagements/form', {
      title: `Error: Add an engagement to ${kase.reference}`,
      kase,
      action: `/cases/${kase.id}/engagements`,
      values: keptValues(body),
      ...errorsOf(err),
      ...(await formContext(kase.id)),
    });
  }
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const e = await engagementForUser(idParam(req), staffOf(req), meta(req));
  const kase = await findCaseById(e.case_id);
  const kept = takeKeptForm(req, /^\/engagements\/\d+$/);
  res.render('pages/engagements/form', {
    title: `Edit engagement of ${e.date}`,
    kase,
    engagement: e,
    action: `/engagements/${e.id}`,
    values: {
      ...e,
      start_time: e.start_time ?? '',
      duration_minutes: String(e.duration_minutes),
      participant_count: e.participant_count || e.status === 'delivered' ? String(e.participant_count) : '',
      consultant_ids: e.consultant_ids.map(String),
      attendees: formatAttendees(e.attendees),
      version: String(e.version ?? 1),
      ...(kept ? keptValues(kept.fields) : {}),
    },
    restored: Boolean(kept),
    errors: {},
    errorList: [],
    ...(await formContext(e.case_id, e.consultant_ids)),
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const e = await engagementForUser(idParam(req), staffOf(req), meta(req));
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await updateEngagement(e.id, await payloadOf(body), staffOf(req), { timeZone: cfg(req).timeZone }, versionOfForm(body.version));
    res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
  } catch (err) {
    if (!(err instanceof ValidationError) && !(err instanceof EditConflictError)) throw err;
    const kase = await findCaseById(e.case_id);
    // A conflict keeps what was typed, with the version now stored: saving again is a choice made knowingly.
    const conflict = err instanceof EditConflictError ? err : undefined;
    res.status(conflict ? 409 : 422).render('pages/engagements/form', {
      title: `Error: Edit engagement of ${e.date}`,
      kase,
      engagement: e,
      action: `/engagements/${e.id}`,
      values: { ...keptValues(body), ...(conflict ? { version: String(conflict.currentVersion) } : {}) },
      ...(conflict ? { conflict, errors: {}, errorList: [] } : errorsOf(err as ValidationError)),
      ...(await formContext(e.case_id, e.consultant_ids)),
    });
  }
}

/** "The small-group facilitation of March 1, 2030": an engagement named in a question. */
const named = (e: { format: string; date: string }) =>
  `the ${(FORMATS[e.format as keyof typeof FORMATS] ?? e.format).toLowerCase()} of ${e.date}`;

export async function cancel(req: Request, res: Response): Promise<void> {
  const found = await engagementForUser(idParam(req), staffOf(req), meta(req));
  const asked =
    found.status !== 'cancelled' &&
    askFirst(req, res, {
      title: `Cancel ${named(found)}?`,
      details: [
        'It stays on the case as cancelled, and counts in no report.',
        ...(found.status === 'scheduled'
          ? ['The requester and the facilitating consultants are sent a cancellation that removes it from their calendars.']
          : []),
      ],
      confirmLabel: 'Yes, cancel the engagement',
      backHref: `/cases/${found.case_id}#engagements`,
    });
  if (asked) return;
  const e = await cancelEngagement(found.id, staffOf(req));
  res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
}

export async function remove(req: Request, res: Response): Promise<void> {
  const found = await engagementForUser(idParam(req), staffOf(req), meta(req));
  await refuseProgramEngagement(found.case_id);
  const asked = askFirst(req, res, {
    title: `Delete ${named(found)}?`,
    details: [
      'It is removed from the case and from every report; the timeline keeps what it was. To keep it on record, cancel it instead.',
      ...(found.status === 'scheduled'
        ? ['The requester and the facilitating consultants are sent a cancellation that removes it from their calendars.']
        : []),
    ],
    confirmLabel: 'Yes, delete the engagement',
    backHref: `/cases/${found.case_id}#engagements`,
  });
  if (asked) return;
  const e = await deleteEngagement(found.id, staffOf(req));
  res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
}

export async function calendar(req: Request, res: Response): Promise<void> {
  const e = await engagementForUser(idParam(req), staffOf(req), meta(req));
  const kase = await findCaseById(e.case_id);
  sendCalendar(res, cfg(req), e, kase as { reference: string; title: string }, `${cfg(req).publicUrl}/cases/${e.case_id}`);
}
