// The SQL that differs between the engines, for the query files: row locks, search operators,
// text aggregates, full-text search and bulk inserts. With db.ts, the only place that tells
// SQLite and PostgreSQL apart.
import type { Knex } from 'knex';
import { db, isPostgres, type Queryable } from './db';

/** Whether a query builder was made by a PostgreSQL knex (row-lock clauses exist there only). */
const builtForPostgres = (query: Knex.QueryBuilder) =>
  (query as unknown as { client: { config: { client: string } } }).client.config.client === 'pg';

/**
 * Locks the rows a query selects until the transaction ends (`SELECT … FOR UPDATE`) on
 * PostgreSQL, so that a read a write depends on cannot be changed by another writer meanwhile.
 * SQLite needs nothing: it has one writer at a time, and one connection.
 */
export function forUpdate<T extends Knex.QueryBuilder>(query: T): T {
  if (builtForPostgres(query)) query.forUpdate();
  return query;
}

/**
 * Like `forUpdate`, for a row whose key will not change (`SELECT … FOR NO KEY UPDATE`): rows that
 * refer to it (an engagement of the case) can still be written meanwhile, since their foreign key
 * takes a lock this one does not block; with FOR UPDATE, two transactions that each added such a
 * row and then lock the row they refer to wait for each other (a deadlock).
 */
export function forNoKeyUpdate<T extends Knex.QueryBuilder>(query: T): T {
  if (builtForPostgres(query)) query.forNoKeyUpdate();
  return query;
}

/** Case-insensitive "contains" for search boxes: ILIKE on PostgreSQL, LIKE (ASCII-insensitive) on SQLite. */
export function likeOperator(instance: Queryable = db): string {
  return isPostgres(instance) ? 'ilike' : 'like';
}

/** Escapes %, _ and \ for a LIKE pattern used with `ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL for the seconds between two timestamp columns (`later - earlier`). Column names only,
 * never user input.
 */
export function secondsBetweenSql(later: string, earlier: string, instance: Queryable = db): string {
  return isPostgres(instance) ? `extract(epoch from (${later} - ${earlier}))` : `((julianday(${later}) - julianday(${earlier})) * 86400.0)`;
}

/** SQL for the calendar year (UTC) of a timestamp column, as an integer. Column names only. */
export function utcYearSql(column: string, instance: Queryable = db): string {
  return isPostgres(instance)
    ? `cast(extract(year from ${column} at time zone 'UTC') as integer)`
    : `cast(substr(${column}, 1, 4) as integer)`;
}

/** SQL that joins the values of a group into one text, separated by "; ". Column names only. */
export function listAggSql(expr: string, instance: Queryable = db): string {
  return isPostgres(instance) ? `string_agg(${expr}::text, '; ' order by ${expr})` : `group_concat(${expr}, '; ')`;
}

/** After rows were inserted with explicit ids, moves PostgreSQL's id sequence past them. */
export async function resetIdSequence(q: Queryable, table: string): Promise<void> {
  if (!isPostgres(q)) return;
  await q.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM ??), 1))`, [table]);
}

/** Inserts many rows in chunks that stay under each engine's limit of bound parameters. */
export async function insertMany(q: Queryable, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const perRow = Object.keys(rows[0]).length;
  // PostgreSQL takes up to 65,535 parameters a statement; knex writes a multi-row insert on
  // SQLite as a compound SELECT, which SQLite limits to 500 terms.
  const chunk = isPostgres(q) ? Math.max(1, Math.floor(60000 / perRow)) : Math.max(1, Math.min(500, Math.floor(30000 / perRow)));
  for (let i = 0; i < rows.length; i += chunk) await q(table).insert(rows.slice(i, i + chunk));
}

/**
 * Serializes the transactions that take the same key until they end: a transaction-scoped
 * advisory lock on PostgreSQL; nothing on SQLite, where one writer at a time is the rule already.
 */
export async function lockForTransaction(trx: Queryable, key: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
}

/**
 * Takes SQLite's write lock as a transaction's first statement, as BEGIN IMMEDIATE would (knex
 * begins with a plain BEGIN): SQLite waits out another writer's lock (busy_timeout) only for a
 * transaction that has read nothing yet, and one that read first fails at its first write, at
 * once, if another process wrote in between (a CLI import beside the serving app, or the app
 * beside the import). A DELETE that matches nothing takes the lock and changes nothing.
 * PostgreSQL locks rows, not the database: nothing to do.
 */
export async function takeWriteLock(trx: Knex.Transaction): Promise<void> {
  if (!isPostgres(trx)) await trx.raw('DELETE FROM reference_counters WHERE 0');
}

/** Like `forUpdate`, but others may still read and share-lock the rows (`SELECT … FOR SHARE`): enough to keep them from changing. */
export function forShare<T extends Knex.QueryBuilder>(query: T): T {
  if (builtForPostgres(query)) query.forShare();
  return query;
}

/**
 * What ends a subquery that picks a row to claim: on PostgreSQL, lock it and skip rows another
 * transaction holds; SQLite has one writer at a time, so nothing.
 */
export function skipLockedSql(instance: Queryable = db): string {
  return isPostgres(instance) ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** The words of a search box, lower-cased: letters and digits only, at most eight. */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/** Marks around the matched words of a full-text snippet (control characters no text holds). */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/**
 * The full-text hits for these words (each a prefix, all required) in engagement summaries,
 * internal notes and people's names: rows of (case_id, user_id, source, snippet), with the
 * matched words of the snippet between MATCH_START and MATCH_END. SQLite reads its FTS5 table,
 * PostgreSQL the texts' tsvectors (both kept by migration 2026120450002). `words` come from
 * `searchWords`, so they hold letters and digits only.
 */
export function fullTextHitsSql(words: string[], instance: Queryable = db): Knex.Raw {
  if (!isPostgres(instance)) {
    const match = words.map((w) => `"${w}"*`).join(' ');
    return instance.raw(
      `SELECT case_id, user_id, source, snippet(search_texts, 0, char(2), char(3), '…', 16) AS snippet FROM search_texts WHERE search_texts MATCH ?`,
      [match],
    );
  }
  const query = words.map((w) => `'${w}':*`).join(' & ');
  const headline = (text: string) =>
    `ts_headline('simple', ${text}, q, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=20, MinWords=8')`;
  const nothing = 'CAST(NULL AS integer)';
  return instance.raw(
    `SELECT e.case_id, ${nothing} AS user_id, 'engagement' AS source, ${headline('e.summary')} AS snippet FROM engagements e, to_tsquery('simple', ?) q WHERE to_tsvector('simple', coalesce(e.summary, '')) @@ q
     UNION ALL SELECT n.case_id, ${nothing}, 'note', ${headline('n.body')} FROM case_notes n, to_tsquery('simple', ?) q WHERE to_tsvector('simple', n.body) @@ q
     UNION ALL SELECT ${nothing}, u.id, 'user', ${headline('u.name')} FROM users u, to_tsquery('simple', ?) q WHERE to_tsvector('simple', u.name) @@ q`,
    [query, query, query],
  );
}

/** SQL for a subquery's values joined by commas in their order, e.g. `(… from x where …)` → "a,b". Column names only. */
export function orderedListSql(expr: string, from: string, instance: Queryable = db): string {
  return isPostgres(instance)
    ? `(select string_agg(cast(${expr} as text), ',' order by ${expr}) ${from})`
    : `(select group_concat(${expr}, ',' order by ${expr}) ${from})`;
}

/**
 * A table read through the index named, on SQLite (`indexed by`: the report of response times walks
 * an index of the times in their order to a rank, which SQLite's planner would not choose on its
 * own); undefined on PostgreSQL, which has no such hint: the caller then sorts.
 */
export function throughIndexSql(table: string, alias: string, index: string, instance: Queryable = db): Knex.Raw | undefined {
  return isPostgres(instance) ? undefined : instance.raw(`${table} as ${alias} indexed by ${index}`);
}

/**
 * Gathers the planner's statistics of these tables; inside a transaction ANALYZE counts the
 * transaction's own new rows, so that what runs next in it is planned for them. SQLite also
 * gathers them when a connection opens, but not again while it stays open: a 100,000-row import
 * into the small S data took three minutes without this (the roll-ups planned for the old row
 * counts), 42 s with it. Its sample limit (`analysis_limit`, db-session.ts) keeps each quick.
 */
export async function analyzeTables(q: Queryable, tables: string[]): Promise<void> {
  if (isPostgres(q)) await q.raw(`ANALYZE ${tables.map(() => '??').join(', ')}`, tables);
  else for (const table of tables) await q.raw('ANALYZE ??', [table]);
}

/**
 * How many rows one statement should add to rows that a transaction updates again and again (the
 * roll-up additions of an import). PostgreSQL: 5,000, since it keeps every version of a row its
 * transaction updated (at 500 a statement a 100,000-row import spent 32 s on them). SQLite: 500, as
 * fast there, while 5,000 took the import's peak memory from about 290 to 335 MB. Either list is
 * well under the engine's limit of bound parameters.
 */
export function rowsPerRepeatedUpsert(instance: Queryable = db): number {
  return isPostgres(instance) ? 5000 : 500;
}
