import type { Request, Response } from 'express';
import { idParam } from './params';
import { ConflictError, ValidationError } from '../errors';
import { assignmentSchema, messageSchema, noteSchema, prioritySchema, statusSchema } from '../schemas/case.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import type { AccessMeta, Staff } from '../services/case.service';
import { assignConsultants, setPriority } from '../services/case-assignment.service';
import { caseForUser, changeStatus } from '../services/case.service';
import { addNote, sendMessage } from '../services/case-messages.service';
import { caseDetail } from '../services/case-view.service';
import { receiptSkipped } from '../services/request.service';
import { ORGANIZATION_TYPES, PREFERRED_FORMATS, PRIORITIES, SOURCES, STATUSES, TRACKS, choices } from '../vocabulary';
import { actorOf, errorsOf, formOrAgain, metaOf } from './helpers';
import { takeKeptForm } from '../middleware/kept-form';
import { engagementsForPage } from '../services/engagement-view.service';
import { feedbackOf } from '../services/feedback.service';

/*
 * The case page and the forms on it (assignment, priority, status, notes, messages). The lists of
 * cases are in case-list.handlers.ts; opening and editing a case's request in case-edit.handlers.ts.
 */

// Only a plain case number names a case: `/cases/1e0` or `/cases/0x1` are not case 1 (they answer 404).
const idOf = (req: Request) => idParam(req);

/** The case page (its status set by the caller); `extra` carries a failed form's errors and values. */
async function renderCase(req: Request, res: Response, extra: Record<string, unknown> = {}): Promise<void> {
  res.render('pages/cases/show', await caseLocals(req, extra));
}

/** What the case page shows; `extra` carries a failed form's errors and values. */
async function caseLocals(req: Request, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const user = actorOf(req);
  const kase = await caseForUser(idOf(req), user, metaOf(req));
  const [detail, engagements, feedback, noReceipt] = await Promise.all([
    caseDetail(kase, user),
    engagementsForPage(kase),
    feedbackOf(kase.id),
    receiptSkipped(kase),
  ]);
  // After a failed form the page keeps what was typed in it, and every other form its stored values.
  const kept = (extra.values ?? {}) as Record<string, unknown>;
  const failedMove = extra.failedForm === 'status' ? String(kept.to ?? '') : undefined;
  return {
    engagements,
    feedback,
    // A request from an address that had had its receipts for the day: stored, but not acknowledged.
    receiptSkipped: noReceipt,
    canAddEngagement: !['declined', 'withdrawn'].includes(kase.status),
    title: `${kase.reference}: ${kase.title}`,
    kase,
    ...detail,
    statusLabel: STATUSES[kase.status as keyof typeof STATUSES],
    track: TRACKS[kase.track as keyof typeof TRACKS],
    format: PREFERRED_FORMATS[kase.preferred_format as keyof typeof PREFERRED_FORMATS],
    organizationType: ORGANIZATION_TYPES[kase.organization_type as keyof typeof ORGANIZATION_TYPES],
    source: SOURCES[kase.source as keyof typeof SOURCES],
    priorities: choices(PRIORITIES),
    isDirector: user.role === 'director',
    errors: {},
    errorList: [],
    flash: req.query.saved ? 'Saved.' : undefined,
    ...extra,
    values: {
      priority: kase.priority,
      lead_consultant_id: String(kase.lead_consultant_id ?? ''),
      supporting_ids: detail.supporterIds.map(String),
      ...kept,
    },
    // The status form that failed shows its error and text at its own box; another failure (an
    // unknown status, or a move this user cannot see) is shown under the status buttons.
    moves: detail.moves.map((m) => ({ ...m, failed: m.to === failedMove })),
    statusErrorElsewhere: failedMove !== undefined && !detail.moves.some((m) => m.to === failedMove),
    // The message box keeps its text and error only when it was the form that failed.
    messageForm: extra.failedForm === 'messages' ? { values: extra.values, errors: extra.errors } : { values: {}, errors: {} },
  };
}

export async function show(req: Request, res: Response): Promise<void> {
  // Back after signing in again, with the text of a form that was sent too late: shown, not kept.
  const kept = takeKeptForm(req, /^\/cases\/\d+\/(notes|messages|status)$/);
  await renderCase(req, res, kept ? restoredForm(kept.action, kept.fields) : {});
}

/** A kept form's text put back in its box on the case page (the same boxes as after a failed post). */
function restoredForm(action: string, fields: Record<string, string | string[]>): Record<string, unknown> {
  const form = /\/(notes|messages|status)$/.exec(action)?.[1];
  const text = (k: string) => (typeof fields[k] === 'string' ? fields[k] : '');
  const common = { restored: true, errors: {}, errorList: [] };
  if (form === 'notes') return { ...common, values: { note: text('body') }, failedForm: 'notes' };
  if (form === 'messages') return { ...common, values: { body: text('body') }, failedForm: 'messages' };
  return { ...common, values: { to: text('to'), reason: text('reason'), closing_summary: text('closing_summary') }, failedForm: 'status' };
}

/**
 * Runs a case action (the service checks what this user may do); a validation failure shows the
 * case page again (422) with the message at its field.
 */
function caseAction(
  schema: { properties?: Record<string, unknown> },
  act: (caseId: number, payload: Record<string, unknown>, user: Staff, meta: AccessMeta) => Promise<unknown>,
  anchor: string,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    await formOrAgain(
      res,
      async () => {
        try {
          await act(idOf(req), formToPayload(body, schema as never), actorOf(req), metaOf(req));
        } catch (err) {
          // A refused status move (stale, or not allowed) lands on the case page, saying what
          // happened and what the status is now, instead of on an error page that leads nowhere.
          if (!(err instanceof ConflictError && anchor === 'status')) throw err;
          res.status(409);
          return renderCase(req, res, { refusal: err.message });
        }
        res.redirect(303, `/cases/${idOf(req)}?saved=1#${anchor}`);
      },
      (err) => {
        // The note box is `field-note` on the page, so that its error links to it, not to the message box.
        const fields =
          anchor === 'notes' ? new ValidationError(err.errors.map((e) => (e.field === 'body' ? { ...e, field: 'note' } : e))) : err;
        const values = anchor === 'notes' ? { note: body.body } : keptValues(body);
        return renderCase(req, res, { ...errorsOf(fields), values, failedForm: anchor });
      },
    );
  };
}

export const assign = caseAction(
  assignmentSchema,
  (id, payload, user) => {
    // Checkbox values arrive as text; the schema wants numbers.
    const supporting = ([] as unknown[])
      .concat(payload.supporting_ids ?? [])
      .map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));
    return assignConsultants(id, { ...payload, ...(supporting.length ? { supporting_ids: supporting } : {}) }, user);
  },
  'assignment',
);
export const status = caseAction(statusSchema, changeStatus, 'status');
export const priority = caseAction(prioritySchema, (id, payload, user) => setPriority(id, payload, user), 'priority');
export const note = caseAction(noteSchema, addNote, 'notes');
export const message = caseAction(messageSchema, sendMessage, 'messages');
