import { Queryable, reads } from '../db';
import { analyzeTables, insertMany } from '../db-sql';
import type { CaseRow } from './case.queries';
import type { EngagementRow } from './engagement.queries';
import type { UserRow } from './user.queries';

/**
 * What the import reads and writes of its own: the records it made before, who has an account,
 * and its new rows, many at a time (a few statements for hundreds of rows, not one each).
 */

/** Lookups are asked in chunks of this many values (well under either engine's limit of bound parameters). */
const LOOKUP_CHUNK = 500;

async function inChunks<T>(values: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK) rows.push(...(await read(values.slice(i, i + LOOKUP_CHUNK))));
  return rows;
}

/** Every account's e-mail (lower-cased) with its id and name. */
export async function accountsByEmail(q: Queryable = reads): Promise<{ id: number; email: string; name: string }[]> {
  return (await q('users').select('id', 'email', 'name')).map((u: { id: unknown; email: string; name: string }) => ({
    id: Number(u.id),
    email: String(u.email).toLowerCase(),
    name: u.name,
  }));
}

/** Every topic, retired ones too, by slug and name (an old record may name a topic retired since). */
export async function topicsForImport(q: Queryable = reads): Promise<{ id: number; slug: string; name: string }[]> {
  return (await q('topics').select('id', 'slug', 'name')).map((t: { id: unknown; slug: string; name: string }) => ({
    id: Number(t.id),
    slug: t.slug,
    name: t.name,
  }));
}

/** The cases imported before under these idempotency keys ("import:<case key>"): key → case id. */
export async function casesByIdempotencyKey(keys: string[], q: Queryable = reads): Promise<Map<string, number>> {
  const rows = await inChunks(keys, (chunk) =>
    q('cases').whereIn('idempotency_key', chunk).select<{ id: unknown; idempotency_key: string }[]>('id', 'idempotency_key'),
  );
  return new Map(rows.map((r) => [r.idempotency_key, Number(r.id)]));
}

/** The engagements imported before under these import keys: key → engagement id. */
export async function engagementsByImportKey(keys: string[], q: Queryable = reads): Promise<Map<string, number>> {
  const rows = await inChunks(keys, (chunk) =>
    q('engagements').whereIn('import_key', chunk).select<{ id: unknown; import_key: string }[]>('id', 'import_key'),
  );
  return new Map(rows.map((r) => [r.import_key, Number(r.id)]));
}

/** Inserts accounts; gives back their ids by e-mail. */
export async function insertUsers(trx: Queryable, rows: Omit<UserRow, 'id' | 'last_sign_in_at'>[]): Promise<Map<string, number>> {
  await insertMany(trx, 'users', rows);
  const made = await inChunks(
    rows.map((r) => r.email),
    (chunk) => trx('users').whereIn('email', chunk).select<{ id: unknown; email: string }[]>('id', 'email'),
  );
  return new Map(made.map((u) => [u.email, Number(u.id)]));
}

/** Inserts imported cases (each with its idempotency key); gives back their ids by that key. */
export async function insertImportedCases(trx: Queryable, rows: Omit<CaseRow, 'id'>[]): Promise<Map<string, number>> {
  await insertMany(trx, 'cases', rows);
  return casesByIdempotencyKey(
    rows.map((r) => String(r.idempotency_key)),
    trx,
  );
}

/** Inserts imported engagements (each with the import key that recognises it next time); gives back their ids by that key. */
export async function insertImportedEngagements(
  trx: Queryable,
  rows: (Omit<EngagementRow, 'id'> & { import_key: string })[],
): Promise<Map<string, number>> {
  await insertMany(trx, 'engagements', rows);
  return engagementsByImportKey(
    rows.map((r) => r.import_key),
    trx,
  );
}

/** The child rows of new engagements: consultants, jurisdictions (with the engagement's status, date and year) and topics. */
export async function insertEngagementChildRows(
  trx: Queryable,
  rows: {
    consultants: { engagement_id: number; user_id: number }[];
    jurisdictions: { engagement_id: number; jurisdiction_code: string; status: string; date: string; year: number }[];
    topics: { engagement_id: number; topic_id: number }[];
  },
): Promise<void> {
  await insertMany(trx, 'engagement_consultants', rows.consultants);
  await insertMany(trx, 'engagement_jurisdictions', rows.jurisdictions);
  await insertMany(trx, 'engagement_topics', rows.topics);
}

/** The topics of new cases. */
export async function insertCaseTopicRows(trx: Queryable, rows: { case_id: number; topic_id: number }[]): Promise<void> {
  await insertMany(trx, 'case_topics', rows);
}

/**
 * The planner's statistics of the tables an import wrote, gathered inside its transaction (see
 * analyzeTables), so that what it runs next (the roll-ups' additions, joins over the new
 * engagements) is planned for the rows now there. With the statistics of the tables as they were,
 * an import of 100,000 rows into an empty PostgreSQL database spent over ten minutes on nested
 * loops over rows the planner thought absent, and one into the small S data on SQLite three
 * minutes instead of 42 s. New connections (SQLite's readers) then plan with them too.
 */
export async function refreshPlannerStatistics(q: Queryable): Promise<void> {
  await analyzeTables(q, [
    'cases',
    'case_topics',
    'engagements',
    'engagement_jurisdictions',
    'engagement_topics',
    'engagement_consultants',
    'report_engagement_marks',
  ]);
}
