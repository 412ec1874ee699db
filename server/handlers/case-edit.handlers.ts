import type { Request, Response } from 'express';
import { idParam } from './params';
import { EditConflictError, ValidationError } from '../errors';
import { versionOfForm } from '../services/edit-conflict';
import { caseUpdateSchema } from '../schemas/case.schemas';
import { requestCreateSchema } from '../schemas/request.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import type { CaseRow } from '../services/case.service';
import { caseForUser } from '../services/case.service';
import { editCase } from '../services/case-edit.service';
import { activeStaffOptions, caseDetail } from '../services/case-view.service';
import { requestFormChoices } from '../services/request.service';
import { openStaffCase } from '../services/staff-case.service';
import { randomToken } from '../services/tokens';
import { PRIORITIES, choices } from '../vocabulary';
import { actorOf, cfg, errorsOf, formOrAgain, metaOf } from './helpers';

/*
 * A case's request fields written by staff: a case opened on a state's behalf, and a director's
 * edit of a case.
 */

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
  const kase = await caseForUser(idParam(req), actorOf(req), metaOf(req));
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
  const kase = await caseForUser(idParam(req), actorOf(req), metaOf(req));
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
