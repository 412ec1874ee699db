import { Queryable, db, num } from '../db';

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
  created_at: string | Date;
  sent_at: string | Date | null;
}

/** Adds messages in one statement; a message with the same dedupe key (same event, same recipient) is added once. */
export async function enqueue(q: Queryable, rows: Omit<OutboxRow, 'id' | 'status' | 'attempts' | 'last_error' | 'sent_at'>[]): Promise<void> {
  if (!rows.length) return;
  await q('outbox')
    .insert(rows.map((row) => ({ ...row, status: 'waiting', attempts: 0 })))
    .onConflict('dedupe_key')
    .ignore();
}

/**
 * Claims up to `limit` messages that are due, so that no other worker (another app instance)
 * sends them too: each is moved to 'sending' with a lease only if nobody claimed it first.
 */
export async function claimDue(now: number, leaseMs: number, limit: number, q: Queryable = db): Promise<OutboxRow[]> {
  const due: OutboxRow[] = await q('outbox')
    .where((w) => w.where('status', 'waiting').orWhere('status', 'sending'))
    .andWhere('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  const claimed: OutboxRow[] = [];
  for (const row of due) {
    const n = await q('outbox').where({ id: row.id, next_attempt_at: row.next_attempt_at }).whereIn('status', ['waiting', 'sending']).update({ status: 'sending', next_attempt_at: now + leaseMs });
    if (n) claimed.push({ ...row, attempts: num(row.attempts) });
  }
  return claimed;
}

/** Marks a message sent, with its bodies as they are to be kept from now on (status links masked). */
export async function markSent(id: number, at: string, kept: Pick<OutboxRow, 'text_body' | 'html_body' | 'ics'>, q: Queryable = db): Promise<void> {
  await q('outbox').where({ id }).update({ ...kept, status: 'sent', sent_at: at, last_error: null, attempts: q.raw('attempts + 1') });
}

export async function markFailedAttempt(id: number, error: string, nextAttemptAt: number | null, q: Queryable = db): Promise<void> {
  await q('outbox')
    .where({ id })
    .update({ status: nextAttemptAt === null ? 'failed' : 'waiting', last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt ?? 0, attempts: q.raw('attempts + 1') });
}

/** Puts a message back in line to be sent now (a director's retry). */
export async function retryNow(id: number, now: number, q: Queryable = db): Promise<number> {
  return q('outbox').where({ id }).whereIn('status', ['failed', 'waiting']).update({ status: 'waiting', next_attempt_at: now });
}

export async function listOutbox(status: string | undefined, limit: number, offset: number, q: Queryable = db): Promise<{ rows: OutboxRow[]; counts: Record<string, number> }> {
  const query = q('outbox').orderBy('id', 'desc').limit(limit).offset(offset);
  if (status) query.where({ status });
  const counts: { status: string; n: unknown }[] = await q('outbox').groupBy('status').select('status').count({ n: '*' });
  return { rows: await query, counts: Object.fromEntries(counts.map((c) => [String(c.status), num(c.n)])) };
}

export async function findOutbox(id: number, q: Queryable = db): Promise<OutboxRow | undefined> {
  return q('outbox').where({ id }).first();
}

/** The receipt written for a case's request, if one was. */
export async function receiptOfCase(caseId: number, q: Queryable = db): Promise<{ id: number } | undefined> {
  return q('outbox').where({ case_id: caseId, kind: 'request-received' }).first('id');
}
