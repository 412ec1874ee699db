import type { Knex } from 'knex';

// Imported engagements remember which source row they came from, so that importing the same
// file twice creates nothing new. Cases use their idempotency key ("import:<case_key>").
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.string('import_key', 200).unique();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.dropUnique(['import_key']);
    t.dropColumn('import_key');
  });
}
