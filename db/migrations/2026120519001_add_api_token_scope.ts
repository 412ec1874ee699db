import type { Knex } from 'knex';

// A token reads (the reporting tools of today) or also writes (staff tools that record
// engagements and notes). Existing tokens keep reading only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.string('scope', 10).notNullable().defaultTo('read');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropColumn('scope');
  });
}
