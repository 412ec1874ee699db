import type { CaseRow } from '../queries/case.queries';
import { nextReferenceNumber } from '../queries/case.queries';
import type { CaseStatus, Source } from '../vocabulary';
import type { Tx } from '../queries/database.queries';
import { hashToken, sealToken } from './tokens';

/**
 * The one builder of a new case's row, for every way a case is opened: a request (the public form,
 * the API, staff on a state's behalf), a program's own case (cohort, network) and the import. Each
 * says what it knows; the rest of the row (the columns a new case leaves empty, the status link's
 * hash and seal, the timestamps) is the same for all.
 */
interface NewCase {
  /** From `takeReference`, the first write of the transaction that inserts the row. */
  reference: string;
  track: string;
  source: Source;
  /** `new` unless the case opens further along (a program's case with its lead, an imported record). */
  status?: CaseStatus;
  jurisdiction: string;
  requester: { name: string; email: string; phone?: string | null; title: string };
  organization: { type: string; name: string };
  preferredFormat: string;
  title: string;
  needs: string;
  outcomes?: string | null;
  preferredStart?: string | null;
  deadline?: string | null;
  expectedParticipants?: number | null;
  /** A case that opens with its lead: when it was assigned (null when unknown) and how many business days that took. */
  lead?: { id: number; assignedAt: string | null; businessDays: number | null } | null;
  /** A case that opens closed (an imported record): when, and its summary or reason. */
  closing?: { at: string; summary?: string | null; reason?: string | null } | null;
  /** The status link's token: its hash is the case's key; with `secret` it is also sealed for the links in later mail. */
  statusToken: { token: string; secret?: string };
  /** A submission key and what it was sent with, so that a repeat finds this case. */
  idempotency?: { key: string | null; client?: string | null; requestHash?: string | null };
  /** When the request was made (an imported record's own date); `at` when not given. */
  submittedAt?: string;
  /** Now: when the row is written. */
  at: string;
}

/** A case's reference, TA-<year>-<4 digits>, from the year's counter. */
export function formatReference(year: number, n: number): string {
  return `TA-${year}-${String(n).padStart(4, '0')}`;
}

/**
 * Takes the next reference of a year. It must be the first write of the transaction that inserts
 * the case (see nextReferenceNumber): the counter stays locked until commit.
 */
export async function takeReference(trx: Tx, year: number): Promise<string> {
  return formatReference(year, await nextReferenceNumber(trx, year));
}

/** The row to insert (`insertCase`) for a new case. */
export function newCaseRow(c: NewCase): Omit<CaseRow, 'id'> {
  const lead = c.lead ?? null;
  const closing = c.closing ?? null;
  return {
    reference: c.reference,
    track: c.track,
    status: c.status ?? 'new',
    priority: 'normal',
    source: c.source,
    jurisdiction_code: c.jurisdiction,
    requester_name: c.requester.name,
    requester_email: c.requester.email,
    requester_phone: c.requester.phone ?? null,
    requester_title: c.requester.title,
    organization_type: c.organization.type,
    organization_name: c.organization.name,
    preferred_format: c.preferredFormat,
    title: c.title,
    needs: c.needs,
    outcomes: c.outcomes ?? null,
    preferred_start: c.preferredStart ?? null,
    deadline: c.deadline ?? null,
    expected_participants: c.expectedParticipants ?? null,
    lead_consultant_id: lead?.id ?? null,
    closing_summary: closing?.summary ?? null,
    closing_reason: closing?.reason ?? null,
    status_token_hash: hashToken(c.statusToken.token),
    status_token_enc: c.statusToken.secret === undefined ? null : sealToken(c.statusToken.secret, c.statusToken.token),
    idempotency_key: c.idempotency?.key ?? null,
    idempotency_client: c.idempotency?.client ?? null,
    request_hash: c.idempotency?.requestHash ?? null,
    submitted_at: c.submittedAt ?? c.at,
    first_assigned_at: lead?.assignedAt ?? null,
    assignment_business_days: lead?.businessDays ?? null,
    first_engagement_at: null,
    closed_at: closing?.at ?? null,
    created_at: c.at,
    updated_at: c.at,
  };
}
