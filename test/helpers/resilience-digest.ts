// What the database holds: compared before and after each rejected request.

import type { Knex } from 'knex';

/** Tables whose rows a refused request may legitimately write: sign-in sessions, throttles and rate-limit counters, the audit log. */
const BOOKKEEPING = new Set(['sessions', 'login_throttles', 'rate_limits', 'audit_events', 'knex_migrations', 'knex_migrations_lock']);

export async function digestQuery(knex: Knex): Promise<() => Promise<string>> {
  const tables: string[] =
    knex.client.config.client === 'pg'
      ? (await knex.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()')).rows.map(
          (r: { name: string }) => r.name,
        )
      : (await knex.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map(
          (r: { name: string }) => r.name,
        );
  const parts: string[] = [];
  const bindings: string[] = [];
  for (const table of tables.filter((t) => !BOOKKEEPING.has(t)).sort()) {
    parts.push('(SELECT count(*) FROM ??)');
    bindings.push(table);
    const columns = await knex(table).columnInfo();
    for (const column of ['updated_at', 'revoked_at', 'attempts', 'status', 'active']) {
      if (!(column in columns)) continue;
      if (column === 'active') parts.push('(SELECT sum(CASE WHEN ?? THEN 1 ELSE 0 END) FROM ??)');
      else if (column === 'status') parts.push('(SELECT count(DISTINCT ??) FROM ??)');
      else parts.push(`(SELECT ${column === 'attempts' ? 'sum' : 'max'}(??) FROM ??)`);
      bindings.push(column, table);
    }
  }
  const sql = `SELECT ${parts.map((p, i) => `${p} AS d${i}`).join(', ')}`;
  const labels: string[] = [];
  for (let i = 0, b = 0; i < parts.length; i += 1) {
    const n = (parts[i].match(/\?\?/g) ?? []).length;
    labels.push(
      bindings
        .slice(b, b + n)
        .reverse()
        .join('.'),
    );
    b += n;
  }
  return async () => {
    const result = await knex.raw(sql, bindings);
    const row = (Array.isArray(result) ? result[0] : result.rows[0]) as Record<string, unknown>;
    return labels
      .map((label, i) => `${label}=${String(row[`d${i}`] instanceof Date ? (row[`d${i}`] as Date).toISOString() : row[`d${i}`])}`)
      .join(' ');
  };
}
