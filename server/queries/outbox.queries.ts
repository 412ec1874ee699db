import { db, Queryable, rawRows, reads } from '../db';
import { lockForTransaction, skipLockedSql } from '../db-sql';
import { num } from '../values';

export interface OutboxRow {
  id: number;
  kind: string;
  case_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  ics: string | null;
  status: 'waiting' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  dedupe_key: string | null;
  claim_token?: string | null;
  created_at: string | Date;
  sent_at: string | Date | null;
}

/** Adds messages in one statement; a message with the same dedupe key (same event, same recipient) is added once. */
export async function enqueue(
  q: Queryable,
  rows: Omit<OutboxRow, 'id' | 'status' | 'attempts' | 'last_error' | 'sent_at'>[],
): Promise<void> {
  if (!rows.length) return;
  await q('outbox')
    .insert(rows.map((row) => ({ ...row, status: 'waiting', attempts: 0 })))
    .onConflict('dedupe_key')
    .ignore();
}

/**
 * How many receipts went to an address (any case, compared without case) since `sinceIso`. The
 * count is taken under a lock on the address that lasts until the transaction ends, so that two
 * submissions for one address count in turn.
 */
export async function receiptsToAddressSince(trx: Queryable, address: string, sinceIso: string): Promise<number> {
  const lower = address.toLowerCase();
  await lockForTransaction(trx, `receipts:${lower}`);
  const [{ n }] = await trx('outbox')
    .where('kind', 'request-received')
    .andWhere('created_at', '>=', sinceIso)
    .andWhereRaw('lower(to_address) = ?', [lower])
    .count({ n: '*' });
  return num(n);
}

/**
 * Claims one message that is due (waiting, or 'sending' under a lease that ran out: its worker
 * died), in one statement: it moves to 'sending' with this worker's token and a lease until
 * `now + leaseMs`. On PostgreSQL the row is picked with SKIP LOCKED, so workers claiming at the
 * same moment take different messages instead of queueing behind one another.
 */
export async function claimOne(now: number, leaseMs: number, token: string, q: Queryable = db): Promise<OutboxRow | undefined> {
  const rows = rawRows<OutboxRow>(
    await q.raw(
      `UPDATE outbox SET status = 'sending', next_attempt_at = ?, claim_token = ?
       WHERE id = (SELECT id FROM outbox WHERE status IN ('waiting', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1${skipLockedSql(q)})
       RETURNING *`,
      [now + leaseMs, token, now],
    ),
  );
  return rows[0] ? { ...rows[0], attempts: num(rows[0].attempts) } : undefined;
}

/**
 * Extends the lease of a message this worker still holds (same token, still 'sending'); false
 * when the claim was lost (its lease ran out and another worker took it): then it must not be sent.
 */
export async function renewClaim(id: number, token: string, until: number, q: Queryable = db): Promise<boolean> {
  return Number(await q('outbox').where({ id, claim_token: token, status: 'sending' }).update({ next_attempt_at: until })) > 0;
}

/** Marks a message sent, with its bodies as they are to be kept from now on (status links masked). */
export async function markSent(
  id: number,
  token: string,
  at: string,
  kept: Pick<OutboxRow, 'text_body' | 'html_body' | 'ics'>,
  q: Queryable = db,
): Promise<void> {
  await q('outbox')
    .where({ id, claim_token: token })
    .update({ ...kept, status: 'sent', sent_at: at, last_error: null, claim_token: null, attempts: q.raw('attempts + 1') });
}

/** Puts a message this worker holds back in line after a failed try (or fails it for good when `nextAttemptAt` is null). */
export async function markFailedAttempt(
  id: number,
  token: string,
  error: string,
  nextAttemptAt: number | null,
  q: Queryable = db,
): Promise<void> {
  await q('outbox')
    .where({ id, claim_token: token })
    .update({
      status: nextAttemptAt === null ? 'failed' : 'waiting',
      last_error: error.slice(0, 1000),
      next_attempt_at: nextAttemptAt ?? 0,
      claim_token: null,
      attempts: q.raw('attempts + 1'),
    });
}

/** Puts a message back in line to be sent now (a director's retry). */
export async function retryNow(id: number, now: number, q: Queryable = db): Promise<number> {
  return q('outbox').where({ id }).whereIn('status', ['failed', 'waiting']).update({ status: 'waiting', next_attempt_at: now });
}

export async function listOutbox(
  status: string | undefined,
  limit: number,
  offset: number,
  q: Queryable = reads,
): Promise<{ rows: OutboxRow[]; counts: Record<string, number> }> {
  const query = q('outbox').orderBy('id', 'desc').limit(limit).offset(offset);
  if (status) query.where({ status });
  const counts: { status: string; n: unknown }[] = await q('outbox').groupBy('status').select('status').count({ n: '*' });
  return { rows: await query, counts: Object.fromEntries(counts.map((c) => [String(c.status), num(c.n)])) };
}

export async function findOutbox(id: number, q: Queryable = reads): Promise<OutboxRow | undefined> {
  return q('outbox').where({ id }).first();
}

/** The receipt written for a case's request, if one was. */
export async function receiptOfCase(caseId: number, q: Queryable = reads): Promise<{ id: number } | undefined> {
  return q('outbox').where({ case_id: caseId, kind: 'request-received' }).first('id');
}
