import { nowIso } from '../values';
import { ConflictError, FieldError, ValidationError, isUniqueViolation } from '../errors';
import {
  CaseRow,
  findCaseByIdempotencyKey,
  findCaseByTokenHash,
  insertCase,
  insertCaseTopics,
  setSupporters,
  topicsOfCase,
} from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { activeTopicsBySlug, listJurisdictions } from '../queries/reference.queries';
import { receiptOfCase } from '../queries/outbox.queries';
import { RequestCreate, validateRequestCreate } from '../schemas/request.schemas';
import { ORGANIZATION_TYPES, PREFERRED_FORMATS, Source, TRACKS, choices } from '../vocabulary';
import { recordEvent } from './events.service';
import { newCaseRow, takeReference } from './case-row';
import { jurisdictionList, topicList } from './reference.service';
import { derivedToken, fingerprint, hashToken, randomToken, safeEqual } from './tokens';

export interface SubmitContext {
  source: Source;
  secret: string;
  timeZone: string;
  now?: Date;
  /** The staff member opening the case on a state's behalf, if any. */
  actorUserId?: number;
  /** A consultant who opens a case supports it, so that they can see what they opened. */
  supporterUserId?: number;
  /** The client's address: a replayed submission gives its status link back only to the same one. */
  clientAddress?: string;
}

type SubmitResult =
  | { kind: 'created' | 'replayed'; caseId: number; reference: string; token: string }
  /** The same key and request from another address: the reference only, never the status link. */
  | { kind: 'replayed_elsewhere'; caseId: number; reference: string }
  | { kind: 'honeypot' };

/** The calendar year of an instant in the program's time zone. */
export function yearIn(timeZone: string, at: Date): number {
  let fmt = yearFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, fmt);
  }
  return Number(fmt.format(at));
}
// Made once per time zone: an Intl formatter costs far more to build than to use.
const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The checks that need the database or more than one field, after the schema has passed. */
async function checkRequest(input: RequestCreate): Promise<number[]> {
  const errors: FieldError[] = [];
  const topics = await activeTopicsBySlug(input.topics);
  if (topics.length !== input.topics.length) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.preferred_start && input.deadline && input.deadline < input.preferred_start) {
    errors.push({ field: 'deadline', message: 'Deadline must be on or after the preferred start date' });
  }
  if (errors.length) throw new ValidationError(errors);
  return topics.map((t) => t.id);
}

function filledHoneypot(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const website = (payload as { website?: unknown }).website;
  return website !== undefined && website !== null && website !== '';
}

function statusTokenFor(input: RequestCreate, secret: string): string {
  // With an idempotency key the token is derived from it, so that a repeated submission can be
  // answered with the same status link although only the token's hash is stored.
  return input.idempotency_key ? derivedToken(secret, 'status', input.idempotency_key) : randomToken();
}

/** A keyed hash of the client's address, so that the address itself is never stored. */
function clientOf(ctx: SubmitContext): string | null {
  return ctx.clientAddress ? derivedToken(ctx.secret, 'idempotency-client', ctx.clientAddress) : null;
}

function replayOf(existing: CaseRow, requestHash: string, input: RequestCreate, ctx: SubmitContext): SubmitResult {
  if (existing.request_hash !== requestHash) {
    throw new ConflictError('This submission key was already used for a different request.');
  }
  // Idempotency keys are not secrets: whoever learns one (and the request) must not get the link.
  const client = clientOf(ctx);
  if (!client || !existing.idempotency_client || !safeEqual(client, existing.idempotency_client)) {
    return { kind: 'replayed_elsewhere', caseId: existing.id, reference: existing.reference };
  }
  return { kind: 'replayed', caseId: existing.id, reference: existing.reference, token: statusTokenFor(input, ctx.secret) };
}

/**
 * Validates a request for support and creates its case, with its reference, topics and first
 * timeline event, in one transaction. A repeated idempotency key gives back the same case.
 */
export async function submitRequest(payload: unknown, ctx: SubmitContext): Promise<SubmitResult> {
  // The honeypot is looked at before anything else: a bot that filled it in is told nothing,
  // not even which of its other fields were wrong.
  if (filledHoneypot(payload)) return { kind: 'honeypot' };
  const input = validateRequestCreate(payload);
  const topicIds = await checkRequest(input);
  const { website: _honeypot, idempotency_key: key, ...content } = input;
  const requestHash = fingerprint(content);

  if (key) {
    const existing = await findCaseByIdempotencyKey(key);
    if (existing) return replayOf(existing, requestHash, input, ctx);
  }

  const now = ctx.now ?? new Date();
  const token = statusTokenFor(input, ctx.secret);
  const jurisdictionName = (await listJurisdictions()).find((j) => j.code === input.jurisdiction)?.name ?? input.jurisdiction;
  const at = nowIso(now);
  try {
    return await transaction(async (trx) => {
      const reference = await takeReference(trx, yearIn(ctx.timeZone, now));
      const row = newCaseRow({
        reference,
        track: input.track ?? 'ta',
        source: ctx.source,
        jurisdiction: input.jurisdiction,
        requester: { name: input.name, email: input.email, phone: input.phone, title: input.role },
        organization: { type: input.organization_type, name: input.organization_name },
        preferredFormat: input.preferred_format,
        title: input.title,
        needs: input.needs,
        outcomes: input.outcomes,
        preferredStart: input.preferred_start,
        deadline: input.deadline,
        expectedParticipants: input.expected_participants,
        statusToken: { token, secret: ctx.secret },
        idempotency: { key: key ?? null, client: key ? clientOf(ctx) : null, requestHash },
        at,
      });
      const caseId = await insertCase(trx, row);
      await insertCaseTopics(trx, caseId, topicIds);
      if (ctx.supporterUserId) await setSupporters(trx, caseId, [ctx.supporterUserId]);
      await recordEvent(
        trx,
        {
          case_id: caseId,
          actor_user_id: ctx.actorUserId ?? null,
          actor_kind: ctx.actorUserId ? 'staff' : 'requester',
          kind: 'case.created',
          after: {
            reference,
            status: 'new',
            source: ctx.source,
            jurisdiction: input.jurisdiction,
            title: input.title,
            topics: input.topics,
          },
          created_at: at,
        },
        { ...row, id: caseId, jurisdiction_name: jurisdictionName },
      );
      return { kind: 'created' as const, caseId, reference, token };
    });
  } catch (err) {
    // Two submissions with the same key raced: the other one won, answer with its case.
    if (key && isUniqueViolation(err)) {
      const existing = await findCaseByIdempotencyKey(key);
      if (existing) return replayOf(existing, requestHash, input, ctx);
    }
    throw err;
  }
}

/** The case behind a status link, or undefined for an unknown token. */
export async function findCaseByStatusToken(token: string): Promise<(CaseRow & { topics: { slug: string; name: string }[] }) | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await findCaseByTokenHash(hashToken(token));
  if (!row) return undefined;
  return { ...row, topics: await topicsOfCase(row.id) };
}

/**
 * True when a request from the public form (or the API) got no receipt: its address had had its
 * receipts for the day. The status page says so; staff see it on the case page.
 */
export async function receiptSkipped(kase: Pick<CaseRow, 'id' | 'source'>): Promise<boolean> {
  if (kase.source !== 'web_form' && kase.source !== 'api') return false;
  return !(await receiptOfCase(kase.id));
}

/** What the request form offers (the public form, staff opening a case, a director's edit). */
export async function requestFormChoices() {
  const [jurisdictions, topics] = await Promise.all([jurisdictionList(), topicList()]);
  return {
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    tracks: choices(TRACKS),
    formats: choices(PREFERRED_FORMATS),
    organizationTypes: choices(ORGANIZATION_TYPES),
  };
}
