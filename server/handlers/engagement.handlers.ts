import type { Request, Response } from 'express';
import { EditConflictError, ValidationError } from '../errors';
import { takeKeptForm } from '../middleware/kept-form';
import { engagementSchema, validateEngagement } from '../schemas/engagement.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { formatAttendees, parseAttendees } from '../services/attendees';
import { versionOfForm } from '../services/edit-conflict';
import {
  type CaseRow,
  type EngagementFull,
  cancelEngagement,
  caseOpenForEngagements,
  createEngagement,
  deleteEngagement,
  engagementToChange,
  engagementWithCase,
  updateEngagement,
} from '../services/engagement.service';
import { engagementFormOptions, newEngagementForm } from '../services/engagement-view.service';
import { jurisdictionList } from '../services/reference.service';
import { FORMATS } from '../vocabulary';
import { sendCalendar } from './calendar';
import { askFirst } from './confirm';
import { actorOf, cfg, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';

const meta = (req: Request) => ({ path: req.originalUrl, ip: req.ip });

/** What the form page shows besides its choices. */
interface FormPage {
  title: string;
  kase: CaseRow;
  engagement?: EngagementFull;
  action: string;
  values: Record<string, unknown>;
  restored?: boolean;
  conflict?: EditConflictError;
}

/** Renders the engagement form, with the messages of a refused save (none on a fresh form). */
async function renderForm(res: Response, page: FormPage, err?: ValidationError): Promise<void> {
  res.render('pages/engagements/form', {
    ...page,
    ...errorsOf(err),
    ...(await engagementFormOptions(page.engagement?.consultant_ids)),
  });
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
    const { attendees, error } = parseAttendees(text, await jurisdictionList());
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
  const { kase, values } = await newEngagementForm(idParam(req), actorOf(req), meta(req), cfg(req).timeZone);
  // Back after signing in again, with what was typed into the form before the session ended.
  const kept = takeKeptForm(req, /^\/cases\/\d+\/engagements$/);
  await renderForm(res, {
    title: `Add an engagement to ${kase.reference}`,
    kase,
    action: `/cases/${kase.id}/engagements`,
    values: { ...values, ...(kept ? keptValues(kept.fields) : {}) },
    restored: Boolean(kept),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const kase = await caseOpenForEngagements(idParam(req), actorOf(req), meta(req));
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      await createEngagement(kase.id, await payloadOf(body), actorOf(req), { timeZone: cfg(req).timeZone });
      res.redirect(303, `/cases/${kase.id}?saved=1#engagements`);
    },
    (err) =>
      renderForm(
        res,
        { title: `Error: Add an engagement to ${kase.reference}`, kase, action: `/cases/${kase.id}/engagements`, values: keptValues(body) },
        err,
      ),
  );
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { engagement: e, kase } = await engagementWithCase(idParam(req), actorOf(req), meta(req));
  const kept = takeKeptForm(req, /^\/engagements\/\d+$/);
  await renderForm(res, {
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
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const { engagement: e, kase } = await engagementWithCase(idParam(req), actorOf(req), meta(req));
  const body = (req.body ?? {}) as Record<string, unknown>;
  const again = {
    title: `Error: Edit engagement of ${e.date}`,
    kase,
    engagement: e,
    action: `/engagements/${e.id}`,
    values: keptValues(body),
  };
  await formOrAgain(
    res,
    async () => {
      try {
        await updateEngagement(e.id, await payloadOf(body), actorOf(req), { timeZone: cfg(req).timeZone }, versionOfForm(body.version));
      } catch (err) {
        if (!(err instanceof EditConflictError)) throw err;
        // A conflict keeps what was typed, with the version now stored: saving again is a choice made knowingly.
        res.status(409);
        await renderForm(res, { ...again, values: { ...again.values, version: String(err.currentVersion) }, conflict: err });
        return;
      }
      res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
    },
    (err) => renderForm(res, again, err),
  );
}

/** What cancelling or deleting a scheduled engagement also does. */
const SENDS_CANCELLATION = 'The requester and the facilitating consultants are sent a cancellation that removes it from their calendars.';

/** The question asked before an engagement is cancelled or deleted ("Cancel the small-group facilitation of March 1, 2030?"). */
function question(e: EngagementFull, verb: 'cancel' | 'delete', outcome: string) {
  const format = (FORMATS[e.format as keyof typeof FORMATS] ?? e.format).toLowerCase();
  return {
    title: `${verb === 'cancel' ? 'Cancel' : 'Delete'} the ${format} of ${e.date}?`,
    details: [outcome, ...(e.status === 'scheduled' ? [SENDS_CANCELLATION] : [])],
    confirmLabel: `Yes, ${verb} the engagement`,
    backHref: `/cases/${e.case_id}#engagements`,
  };
}

export async function cancel(req: Request, res: Response): Promise<void> {
  const { engagement: found } = await engagementWithCase(idParam(req), actorOf(req), meta(req));
  const asked =
    found.status !== 'cancelled' &&
    askFirst(req, res, question(found, 'cancel', 'It stays on the case as cancelled, and counts in no report.'));
  if (asked) return;
  const e = await cancelEngagement(found.id, actorOf(req));
  res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
}

export async function remove(req: Request, res: Response): Promise<void> {
  const { engagement: found } = await engagementToChange(idParam(req), actorOf(req), meta(req));
  const outcome =
    'It is removed from the case and from every report; the timeline keeps what it was. To keep it on record, cancel it instead.';
  if (askFirst(req, res, question(found, 'delete', outcome))) return;
  const e = await deleteEngagement(found.id, actorOf(req));
  res.redirect(303, `/cases/${e.case_id}?saved=1#engagements`);
}

export async function calendar(req: Request, res: Response): Promise<void> {
  const { engagement: e, kase } = await engagementWithCase(idParam(req), actorOf(req), meta(req));
  sendCalendar(res, cfg(req), e, kase, `${cfg(req).publicUrl}/cases/${e.case_id}`);
}
