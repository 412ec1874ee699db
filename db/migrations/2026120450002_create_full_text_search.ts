import type { Knex } from 'knex';

// Full-text search over engagement summaries, internal notes and people's names (the case list's
// search box). SQLite: one FTS5 table kept by triggers, each row's rowid made from its source
// (id × 4 + 1 engagement, + 2 note, + 3 user) so that a trigger finds its row without a scan.
// PostgreSQL: GIN indexes on the same texts' tsvectors ('simple': no stemming, as FTS5's
// unicode61), searched in place. server/db.ts (fullTextHitsSql) reads both.
const SOURCES = [
  {
    table: 'engagements',
    kind: 1,
    source: 'engagement',
    text: "coalesce(#.summary, '')",
    caseId: '#.case_id',
    userId: 'NULL',
    column: 'summary',
  },
  { table: 'case_notes', kind: 2, source: 'note', text: '#.body', caseId: '#.case_id', userId: 'NULL', column: 'body' },
  { table: 'users', kind: 3, source: 'user', text: '#.name', caseId: 'NULL', userId: '#.id', column: 'name' },
];

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const s of SOURCES) {
      await knex.raw(`CREATE INDEX ${s.table}_full_text ON ${s.table} USING gin (to_tsvector('simple', ${s.text.replace(/#\./g, '')}))`);
    }
    return;
  }
  await knex.raw(
    "CREATE VIRTUAL TABLE search_texts USING fts5(body, source UNINDEXED, case_id UNINDEXED, user_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
  );
  for (const s of SOURCES) {
    const values = (row: string) =>
      `${row}.id * 4 + ${s.kind}, ${s.text.replace(/#/g, row)}, '${s.source}', ${s.caseId.replace(/#/g, row)}, ${s.userId.replace(/#/g, row)}`;
    await knex.raw(`INSERT INTO search_texts (rowid, body, source, case_id, user_id) SELECT ${values('t')} FROM ${s.table} t`);
    await knex.raw(
      `CREATE TRIGGER search_texts_${s.table}_insert AFTER INSERT ON ${s.table} BEGIN INSERT INTO search_texts (rowid, body, source, case_id, user_id) VALUES (${values('new')}); END`,
    );
    await knex.raw(
      `CREATE TRIGGER search_texts_${s.table}_update AFTER UPDATE OF ${s.column} ON ${s.table} BEGIN DELETE FROM search_texts WHERE rowid = old.id * 4 + ${s.kind}; INSERT INTO search_texts (rowid, body, source, case_id, user_id) VALUES (${values('new')}); END`,
    );
    await knex.raw(
      `CREATE TRIGGER search_texts_${s.table}_delete AFTER DELETE ON ${s.table} BEGIN DELETE FROM search_texts WHERE rowid = old.id * 4 + ${s.kind}; END`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const s of SOURCES) await knex.raw(`DROP INDEX IF EXISTS ${s.table}_full_text`);
    return;
  }
  for (const s of SOURCES)
    for (const op of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS search_texts_${s.table}_${op}`);
  await knex.raw('DROP TABLE IF EXISTS search_texts');
}
