import type { Knex } from 'knex';

// Cases and engagements count their changes, so that a form saved over a newer version is
// refused (409) instead of silently overwriting what someone else saved meanwhile.
export async function up(knex: Knex): Promise<void> {
  for (const table of ['cases', 'engagements']) {
    await knex.schema.alterTable(table, (t) => {
      t.integer('version').notNullable().defaultTo(1);
    });
  }
}

// A plain DROP COLUMN on both engines: knex's SQLite dropColumn rebuilds the table and renames it,
// which SQLite refuses while triggers on engagements (2026120517003) name it.
export async function down(knex: Knex): Promise<void> {
  for (const table of ['cases', 'engagements']) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN version', [table]);
  }
}
