import { Queryable, rawRows, reads } from '../db';
import { forNoKeyUpdate, insertMany } from '../db-sql';

export interface CaseRow {
  id: number;
  /** Goes up by one with every change (the edit form's conflict check). */
  version?: number;
  reference: string;
  track: string;
  status: string;
  priority: string;
  source: string;
  jurisdiction_code: string;
  requester_name: string;
  requester_email: string;
  requester_phone: string | null;
  requester_title: string;
  organization_type: string;
  organization_name: string;
  preferred_format: string;
  title: string;
  needs: string;
  outcomes: string | null;
  preferred_start: string | null;
  deadline: string | null;
  expected_participants: number | null;
  lead_consultant_id: number | null;
  closing_summary: string | null;
  closing_reason: string | null;
  status_token_hash: string;
  /** The status token sealed with SECRET (for links in later messages); null for older rows. */
  status_token_enc?: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** A keyed hash of the address that first sent the idempotency key. */
  idempotency_client?: string | null;
  submitted_at: string | Date;
  first_assigned_at: string | Date | null;
  /** Business days from submission to first assignment, stored at that moment. */
  assignment_business_days?: number | null;
  first_engagement_at: string | Date | null;
  closed_at: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
}

/**
 * Takes the next reference number of a year. It must be the first statement of the transaction
 * that creates the case: the counter row stays locked until commit, and a rollback returns the
 * number, so references are unique and gap-free under concurrency.
 */
export async function nextReferenceNumber(trx: Queryable, year: number): Promise<number> {
  const result = await trx.raw(
    'INSERT INTO reference_counters (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last',
    [year],
  );
  return Number(rawRows<{ last: number | string }>(result)[0].last);
}

/**
 * Takes the next `count` reference numbers of a year at once (the import's cases of that year, in
 * file order): returns the first; the others follow it. Same lock and rollback as nextReferenceNumber.
 */
export async function takeReferenceNumbers(trx: Queryable, year: number, count: number): Promise<number> {
  const result = await trx.raw(
    'INSERT INTO reference_counters (year, last) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + ? RETURNING last',
    [year, count, count],
  );
  return Number(rawRows<{ last: number | string }>(result)[0].last) - count + 1;
}

/** Inserts a case and returns its id. */
export async function insertCase(trx: Queryable, row: Omit<CaseRow, 'id'>): Promise<number> {
  const [inserted] = await trx('cases').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function insertCaseTopics(trx: Queryable, caseId: number, topicIds: number[]): Promise<void> {
  if (topicIds.length) await trx('case_topics').insert(topicIds.map((topic_id) => ({ case_id: caseId, topic_id })));
}

/** An event of a case's timeline, as the services give it. */
interface CaseEvent {
  case_id: number;
  actor_user_id?: number | null;
  actor_kind: 'staff' | 'requester' | 'system';
  kind: string;
  before?: unknown;
  after?: unknown;
  created_at: string;
}

const caseEventRow = (event: CaseEvent) => ({
  case_id: event.case_id,
  actor_user_id: event.actor_user_id ?? null,
  actor_kind: event.actor_kind,
  kind: event.kind,
  before_json: event.before === undefined ? null : JSON.stringify(event.before),
  after_json: event.after === undefined ? null : JSON.stringify(event.after),
  created_at: event.created_at,
});

/** Appends one event to a case's timeline. */
export async function insertCaseEvent(trx: Queryable, event: CaseEvent): Promise<number> {
  const [row] = await trx('case_events').insert(caseEventRow(event)).returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

/** Appends many events (of any cases) to their timelines, in their order, a few statements in all. */
export async function insertCaseEvents(trx: Queryable, events: CaseEvent[]): Promise<void> {
  await insertMany(trx, 'case_events', events.map(caseEventRow));
}

export async function findCaseByTokenHash(tokenHash: string, q: Queryable = reads): Promise<CaseRow | undefined> {
  return q('cases').where({ status_token_hash: tokenHash }).first();
}

export async function findCaseByIdempotencyKey(key: string, q: Queryable = reads): Promise<CaseRow | undefined> {
  return q('cases').where({ idempotency_key: key }).first();
}

export async function findCaseById(id: number, q: Queryable = reads): Promise<CaseRow | undefined> {
  return q('cases').where({ id }).first();
}

/** A case read inside a transaction with its row locked until the end of it (PostgreSQL; SQLite locks the database). */
export async function lockCase(trx: Queryable, id: number): Promise<CaseRow | undefined> {
  return (await forNoKeyUpdate(trx('cases').where({ id })).first()) as CaseRow | undefined;
}

/** The topics of a case, in the topics' display order. */
export async function topicsOfCase(caseId: number, q: Queryable = reads): Promise<{ id: number; slug: string; name: string }[]> {
  return q('topics')
    .join('case_topics', 'case_topics.topic_id', 'topics.id')
    .where('case_topics.case_id', caseId)
    .orderBy('topics.position')
    .select('topics.id', 'topics.slug', 'topics.name');
}

/** Ids of a case's supporting consultants. */
export async function supporterIds(caseId: number, q: Queryable = reads): Promise<number[]> {
  return (await q('case_supporters').where({ case_id: caseId }).select('user_id')).map((r) => Number(r.user_id));
}

export async function setSupporters(q: Queryable, caseId: number, userIds: number[]): Promise<void> {
  await q('case_supporters').where({ case_id: caseId }).delete();
  if (userIds.length) await q('case_supporters').insert(userIds.map((user_id) => ({ case_id: caseId, user_id })));
}

/** Changes a case; its version goes up by one with every change, for the edit forms' conflict check. */
export async function updateCase(q: Queryable, caseId: number, changes: Partial<CaseRow>): Promise<void> {
  await q('cases')
    .where({ id: caseId })
    .update({ ...changes, version: q.raw('version + 1') });
}

export async function replaceCaseTopics(q: Queryable, caseId: number, topicIds: number[]): Promise<void> {
  await q('case_topics').where({ case_id: caseId }).delete();
  await insertCaseTopics(q, caseId, topicIds);
}

/** The timeline of a case, oldest first, with the actor's name. */
export async function caseEvents(caseId: number, q: Queryable = reads) {
  return q('case_events')
    .leftJoin('users', 'users.id', 'case_events.actor_user_id')
    .where('case_events.case_id', caseId)
    .orderBy('case_events.id', 'asc')
    .select('case_events.*', 'users.name as actor_name');
}

export async function insertNote(
  q: Queryable,
  row: { case_id: number; author_user_id: number; body: string; created_at: string },
): Promise<void> {
  await q('case_notes').insert(row);
}

export async function caseNotes(caseId: number, q: Queryable = reads) {
  return q('case_notes')
    .join('users', 'users.id', 'case_notes.author_user_id')
    .where('case_notes.case_id', caseId)
    .orderBy('case_notes.id')
    .select('case_notes.*', 'users.name as author_name');
}

export async function insertMessage(
  q: Queryable,
  row: { case_id: number; author_kind: 'staff' | 'requester'; author_user_id: number | null; body: string; created_at: string },
): Promise<void> {
  await q('case_messages').insert(row);
}

/** Messages between staff and requester, oldest first; staff authors by name. */
export async function caseMessages(caseId: number, q: Queryable = reads) {
  return q('case_messages')
    .leftJoin('users', 'users.id', 'case_messages.author_user_id')
    .where('case_messages.case_id', caseId)
    .orderBy('case_messages.id')
    .select('case_messages.*', 'users.name as author_name');
}

/** How many delivered engagements a case has. */
export async function deliveredEngagementCount(caseId: number, q: Queryable = reads): Promise<number> {
  const [{ n }] = await q('engagements').where({ case_id: caseId, status: 'delivered' }).count({ n: '*' });
  return Number(n);
}

/** A case id by its reference (TA-2026-0042). */
export async function caseIdByReference(reference: string, q: Queryable = reads): Promise<number | undefined> {
  const row = await q('cases').where({ reference }).first('id');
  return row ? Number(row.id) : undefined;
}
