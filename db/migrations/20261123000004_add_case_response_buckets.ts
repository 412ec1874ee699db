import type { Knex } from 'knex';

// Business days from submission to first assignment, stored when the case is first assigned, so
// that "share assigned within the target" is a plain count in SQL on both engines.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.integer('assignment_business_days');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.index(['track', 'submitted_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['track', 'submitted_at']);
    t.dropColumn('assignment_business_days');
  });
}
