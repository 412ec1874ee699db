import type { Knex } from 'knex';

/**
 * For each case, the formats and the consultants of its delivered engagements, once each: the
 * feedback figures count a case under each of them. Kept with the roll-ups (2026120517001), in the
 * transaction of every engagement change; `reports:rebuild` makes them again from the raw rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_case_formats', (t) => {
    t.integer('case_id').notNullable();
    t.string('format', 32).notNullable();
    t.primary(['case_id', 'format']);
  });
  await knex.schema.createTable('report_case_consultants', (t) => {
    t.integer('case_id').notNullable();
    t.integer('user_id').notNullable();
    t.primary(['case_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.raw(
    `insert into report_case_formats (case_id, format) select distinct case_id, format from engagements where status = 'delivered'`,
  );
  await knex.raw(
    `insert into report_case_consultants (case_id, user_id) select distinct e.case_id, ec.user_id from engagements e join engagement_consultants ec on ec.engagement_id = e.id where e.status = 'delivered'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('report_case_consultants');
  await knex.schema.dropTableIfExists('report_case_formats');
}
