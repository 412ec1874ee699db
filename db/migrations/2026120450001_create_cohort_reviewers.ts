import type { Knex } from 'knex';

// The reviewers a director assigns to a cohort: only they (and directors) may open and score its
// applications. Not on any kept page, so no data-version trigger.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cohort_reviewers', (t) => {
    t.increments('id').primary();
    t.integer('cohort_id').notNullable().references('id').inTable('cohorts').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['cohort_id', 'user_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cohort_reviewers');
}
