import type { Request, Response } from 'express';
import { AppError, EditConflictError } from '../errors';
import { validateEngagementPatch } from '../schemas/api.schemas';
import { addNote } from '../services/case-messages.service';
import {
  cancelEngagementJson,
  caseForUserByReference,
  createEngagementJson,
  engagementJson,
  patchEngagementJson,
} from '../services/engagement-api.service';
import { engagementForUser } from '../services/engagement.service';
import { etagOf, versionOfIfMatch } from '../services/edit-conflict';
import { type ApiAnswer, runOnce } from '../services/idempotency.service';
import { actorOf, cfg } from './helpers';
import { idParam } from './params';

const meta = (req: Request) => ({ path: req.originalUrl, ip: req.ip });

/** Writes take JSON: a body of another type is refused (415) rather than read as empty. */
function requireJson(req: Request, bodyRequired: boolean): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if ((hasBody || bodyRequired) && !req.is('application/json'))
    throw new AppError(415, 'unsupported_media_type', 'Send the request as application/json.');
}

/** The case a reference names, if the token's owner may see it; otherwise 404. */
const caseByReference = (req: Request) => caseForUserByReference(String(req.params.reference ?? ''), actorOf(req), meta(req));

/** The engagement the path names, if the token's owner may see it; otherwise 404 (the refusal audited). */
const engagementOf = (req: Request) => engagementForUser(idParam(req), actorOf(req), meta(req));

/**
 * The version a PATCH or cancel was sent against: the one its `If-Match` names, or undefined when
 * there is none or it is `*` (no check). A tag that names no version can match none: 412 at once.
 * The service compares it with the stored version inside its own transaction, so that two writers
 * cannot both pass the check.
 */
function expectedVersionOf(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.split(',').some((t) => t.trim() === '*')) return undefined;
  const version = versionOfIfMatch(header.split(',')[0]);
  if (version === undefined) throw preconditionFailed();
  return version;
}

function preconditionFailed(): AppError {
  return new AppError(
    412,
    'precondition_failed',
    'The engagement has changed since you read it: read it again (GET), then send your change with its new ETag.',
  );
}

/** Runs a write sent with If-Match: a save over a newer version answers 412 and changes nothing. */
async function ifStillMatching<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof EditConflictError) throw preconditionFailed();
    throw err;
  }
}

/** Sends an answer, once per Idempotency-Key for the token that made the call. */
async function answer(req: Request, res: Response, write: () => Promise<ApiAnswer>): Promise<void> {
  const request = { method: req.method, path: req.path, body: req.body ?? null };
  const result = await runOnce((req.apiToken as { id: number }).id, req.get('idempotency-key'), request, write);
  if (result.replayed) res.set('Idempotent-Replayed', 'true');
  const body = result.body as { id?: number; version?: number } | undefined;
  if (body?.id && body.version) {
    res.set('ETag', etagOf(body.version));
    if (result.status === 201) res.set('Location', `/api/v1/engagements/${body.id}`);
  }
  res.status(result.status).json(result.body);
}

/** GET /api/v1/engagements/{id}: one engagement, with its ETag. */
export async function showEngagement(req: Request, res: Response): Promise<void> {
  const body = await engagementJson(idParam(req), actorOf(req), meta(req));
  res.set('ETag', etagOf(body.version)).json(body);
}

/** POST /api/v1/cases/{reference}/engagements: the engagement form's service and rules. */
export async function createCaseEngagement(req: Request, res: Response): Promise<void> {
  requireJson(req, true);
  const kase = await caseByReference(req);
  await answer(req, res, async () => ({
    status: 201,
    body: await createEngagementJson(kase.id, req.body, actorOf(req), { timeZone: cfg(req).timeZone }),
  }));
}

/** PATCH /api/v1/engagements/{id}: the fields sent replace the engagement's; the others are kept. */
export async function patchEngagement(req: Request, res: Response): Promise<void> {
  requireJson(req, true);
  const e = await engagementOf(req);
  const changes = validateEngagementPatch(req.body);
  const expected = expectedVersionOf(req);
  await answer(req, res, async () => ({
    status: 200,
    body: await ifStillMatching(() => patchEngagementJson(e.id, changes, actorOf(req), { timeZone: cfg(req).timeZone }, expected)),
  }));
}

/** POST /api/v1/engagements/{id}/cancel: cancelled, kept on the record, counted nowhere. */
export async function cancelEngagementApi(req: Request, res: Response): Promise<void> {
  requireJson(req, false);
  const e = await engagementOf(req);
  const expected = expectedVersionOf(req);
  await answer(req, res, async () => ({
    status: 200,
    body: await ifStillMatching(() => cancelEngagementJson(e.id, actorOf(req), cfg(req).timeZone, expected)),
  }));
}

/** POST /api/v1/cases/{reference}/notes: an internal note, as from the case page. */
export async function addCaseNote(req: Request, res: Response): Promise<void> {
  requireJson(req, true);
  const kase = await caseByReference(req);
  await answer(req, res, async () => {
    await addNote(kase.id, req.body, actorOf(req));
    return { status: 201, body: { case_reference: kase.reference, body: String((req.body as { body: string }).body).trim() } };
  });
}
