import type { Knex } from 'knex';

// The feedback of completed cases by format asks, for each case, whether it has a delivered
// engagement of a format: one seek in this index, no table row.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.index(['case_id', 'status', 'format'], 'engagements_case_status_format_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.dropIndex(['case_id', 'status', 'format'], 'engagements_case_status_format_index');
  });
}
