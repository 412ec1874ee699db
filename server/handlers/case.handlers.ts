import type { Request, Response } from 'express';
import { idParam } from './params';
import { pageNav } from './paging';
import { ConflictError, EditConflictError, ValidationError } from '../errors';
import { versionOfForm } from '../services/edit-conflict';
import { assignmentSchema, caseUpdateSchema, messageSchema, noteSchema, prioritySchema, statusSchema } from '../schemas/case.schemas';
import { requestCreateSchema } from '../schemas/request.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import type { AccessMeta, CaseRow, Staff } from '../services/case.service';
import { assignConsultants, caseForUser, changeStatus, editCase, setPriority } from '../services/case.service';
import { addNote, sendMessage } from '../services/case-messages.service';
import { activeStaffOptions, caseDetail, caseListPage, overdueNewCount, parseListQuery, PER_PAGE } from '../services/case-view.service';
import { receiptSkipped, requestFormChoices } from '../services/request.service';
import { openStaffCase } from '../services/staff-case.service';
import { randomToken } from '../services/tokens';
import { ORGANIZATION_TYPES, PREFERRED_FORMATS, PRIORITIES, SOURCES, STATUSES, TRACKS, choices } from '../vocabulary';
import { actorOf, cfg, errorsOf, formOrAgain } from './helpers';
import { takeKeptForm } from '../middleware/kept-form';
import { engagementsForPage } from '../services/engagement-view.service';
import { feedbackOf } from '../services/feedback.service';

// Only a plain case number names a case: `/cases/1e0` or `/cases/0x1` are not case 1 (they answer 404).
const idOf = (req: Request) => idParam(req);
/** Where a refusal was asked from, for the audit trail. */
const metaOf = (req: Request): AccessMeta => ({ path: req.originalUrl, ip: req.ip });

/** A link to the same list with some query parameters changed. */
function listHref(base: string, query: Record<string, unknown>, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    for (const item of ([] as unknown[]).concat(v)) if (typeof item === 'string' && item !== '') params.append(k, item);
  for (const [k, v] of Object.entries(changes)) {
    params.delete(k);
    if (v !== undefined) params.set(k, v);
  }
  const s = params.toString();
  return s ? `${base}?${s}` : base;
}

export async function index(req: Request, res: Response): Promise<void> {
  res.render('pages/cases/index', await indexLocals(req));
}

async function indexLocals(req: Request): Promise<Record<string, unknown>> {
  const user = actorOf(req);
  const lq = parseListQuery(req.query, user, cfg(req));
  const [{ rows, total, page, pages }, look, consultants] = await Promise.all([
    caseListPage(lq, cfg(req)),
    requestFormChoices(),
    user.role === 'director' ? activeStaffOptions() : Promise.resolve([]),
  ]);
  const query = req.query as Record<string, unknown>;
  return {
    title: user.role === 'director' ? 'All cases' : 'My cases',
    rows,
    total,
    ...pageNav(total, page, pages, PER_PAGE, (n) => listHref('/cases', query, { page: String(n) })),
    values: { ...query, status: lq.filters.status ?? [], overdue: lq.overdue ? '1' : '' },
    statuses: choices(STATUSES),
    consultants,
    isDirector: user.role === 'director',
    sorts: [
      { value: 'submitted_desc', label: 'Newest first' },
      { value: 'submitted_asc', label: 'Oldest first' },
      { value: 'deadline_asc', label: 'Deadline' },
      { value: 'reference_asc', label: 'Reference' },
      { value: 'status_asc', label: 'Status' },
      { value: 'jurisdiction_asc', label: 'State' },
    ],
    target: cfg(req).responseTargetBusinessDays,
    sortHeads: sortHeads(query, lq.sort),
    ...look,
  };
}

// The columns one can sort by from the table's head: each link keeps the filters (all in the URL)
// and turns the column's order around when it is already the sort.
const SORTABLE: { key: string; label: string; asc?: string; desc?: string }[] = [
  { key: 'reference', label: 'Reference', asc: 'reference_asc' },
  { key: 'state', label: 'State', asc: 'jurisdiction_asc' },
  { key: 'status', label: 'Status', asc: 'status_asc' },
  { key: 'submitted', label: 'Submitted', desc: 'submitted_desc', asc: 'submitted_asc' },
];

function sortHeads(query: Record<string, unknown>, sort: string) {
  return Object.fromEntries(
    SORTABLE.map((c) => {
      const current = sort === c.asc ? 'ascending' : sort === c.desc ? 'descending' : undefined;
      const next = current === 'descending' ? c.asc : current === 'ascending' && c.desc ? c.desc : (c.desc ?? c.asc);
      return [
        c.key,
        {
          label: c.label,
          sort: current,
          next: next === c.desc ? 'newest first' : 'ascending',
          href: listHref('/cases', query, { sort: next, page: undefined }),
        },
      ];
    }),
  );
}

export async function triage(req: Request, res: Response): Promise<void> {
  const lq = parseListQuery({ status: 'new', sort: 'submitted_asc', page: req.query.page }, actorOf(req), cfg(req));
  const [{ rows, total, page, pages }, overdueCount] = await Promise.all([
    caseListPage(lq, cfg(req)),
    overdueNewCount(actorOf(req), cfg(req)),
  ]);
  res.render('pages/cases/triage', {
    title: 'Triage',
    rows,
    total,
    ...pageNav(total, page, pages, PER_PAGE, (n) => `/cases/triage?page=${n}`),
    target: cfg(req).responseTargetBusinessDays,
    // Counted over every new case, not only this page's.
    overdueCount,
  });
}

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

/** The edit form of a case's request fields; after a refused save, with its messages or the conflict. */
async function renderEdit(
  res: Response,
  kase: CaseRow,
  values: Record<string, unknown>,
  failed?: { err?: ValidationError; conflict?: EditConflictError },
): Promise<void> {
  res.render('pages/cases/edit', {
    title: `${failed ? 'Error: ' : ''}Edit ${kase.reference}`,
    kase,
    values,
    conflict: failed?.conflict,
    ...errorsOf(failed?.err),
    ...(await requestFormChoices()),
  });
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const kase = await caseForUser(idOf(req), actorOf(req), metaOf(req));
  const detail = await caseDetail(kase, actorOf(req));
  await renderEdit(res, kase, {
    jurisdiction: kase.jurisdiction_code,
    name: kase.requester_name,
    email: kase.requester_email,
    phone: kase.requester_phone,
    role: kase.requester_title,
    organization_type: kase.organization_type,
    organization_name: kase.organization_name,
    track: kase.track,
    topics: detail.topics.map((t) => t.slug),
    preferred_format: kase.preferred_format,
    title: kase.title,
    needs: kase.needs,
    outcomes: kase.outcomes,
    preferred_start: kase.preferred_start,
    deadline: kase.deadline,
    expected_participants: kase.expected_participants ?? '',
    version: String(kase.version ?? 1),
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const kase = await caseForUser(idOf(req), actorOf(req), metaOf(req));
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      try {
        await editCase(kase.id, formToPayload(body, caseUpdateSchema), actorOf(req), versionOfForm(body.version));
      } catch (err) {
        if (!(err instanceof EditConflictError)) throw err;
        // What was typed, with the version now stored: saving again is a choice made knowingly.
        res.status(409);
        return renderEdit(res, kase, { ...keptValues(body), version: String(err.currentVersion) }, { conflict: err });
      }
      res.redirect(303, `/cases/${kase.id}?saved=1`);
    },
    (err) => renderEdit(res, kase, keptValues(body), { err }),
  );
}

/** The form to open a case on a state's behalf; for a director, with the lead and the priority to set at once. */
async function renderNew(req: Request, res: Response, values: Record<string, unknown>, err?: ValidationError): Promise<void> {
  const director = actorOf(req).role === 'director';
  res.render('pages/cases/new', {
    title: `${err ? 'Error: ' : ''}Open a case`,
    values,
    ...errorsOf(err),
    ...(await requestFormChoices()),
    isDirector: director,
    ...(director ? { leadOptions: await activeStaffOptions(), priorities: choices(PRIORITIES) } : {}),
  });
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderNew(req, res, { track: 'ta', priority: 'normal', idempotency_key: randomToken() });
}

/** Staff open a case on a state's behalf: the request form's fields, with the source recorded (and, for a director, lead and priority). */
export async function create(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      const { caseId } = await openStaffCase(
        formToPayload(body, requestCreateSchema),
        { lead_consultant_id: body.lead_consultant_id, priority: body.priority },
        actorOf(req),
        { secret: cfg(req).secret, timeZone: cfg(req).timeZone, clientAddress: req.ip },
      );
      res.redirect(303, `/cases/${caseId}`);
    },
    (err) => renderNew(req, res, keptValues(body), err),
  );
}
