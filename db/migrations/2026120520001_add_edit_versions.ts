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

export async function down(knex: Knex): Promise<void> {
  for (const table of ['cases', 'engagements']) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('version');
    });
  }
}
