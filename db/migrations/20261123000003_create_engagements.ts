import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engagements', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.string('date', 10).notNullable(); // YYYY-MM-DD in the program's time zone
    t.string('start_time', 5); // HH:MM, optional
    // Stored buckets, so that reports group without date functions on every row.
    t.integer('year').notNullable();
    t.integer('month').notNullable();
    t.integer('duration_minutes').notNullable();
    t.string('format', 32).notNullable();
    t.string('status', 16).notNullable(); // scheduled | delivered | cancelled
    t.integer('participant_count').notNullable();
    t.text('summary');
    t.text('follow_up_actions');
    t.string('follow_up_date', 10);
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['case_id', 'date']);
    t.index(['status', 'year', 'month']);
    t.index(['status', 'date']);
  });

  await knex.schema.createTable('engagement_consultants', (t) => {
    t.integer('engagement_id').notNullable().references('id').inTable('engagements').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.primary(['engagement_id', 'user_id']);
    t.index(['user_id']);
  });

  // One row per participating jurisdiction; status, date and year are copied here so that
  // "served" (delivered, in the period, per jurisdiction) is answered from one covering index.
  await knex.schema.createTable('engagement_jurisdictions', (t) => {
    t.integer('engagement_id').notNullable().references('id').inTable('engagements').onDelete('CASCADE');
    t.string('jurisdiction_code', 2).notNullable().references('code').inTable('jurisdictions');
    t.string('status', 16).notNullable();
    t.string('date', 10).notNullable();
    t.integer('year').notNullable();
    t.primary(['engagement_id', 'jurisdiction_code']);
    t.index(['status', 'jurisdiction_code', 'date']);
    t.index(['status', 'year', 'jurisdiction_code']);
  });

  await knex.schema.createTable('engagement_topics', (t) => {
    t.integer('engagement_id').notNullable().references('id').inTable('engagements').onDelete('CASCADE');
    t.integer('topic_id').notNullable().references('id').inTable('topics');
    t.primary(['engagement_id', 'topic_id']);
    t.index(['topic_id']);
  });

  await knex.schema.createTable('engagement_attendees', (t) => {
    t.increments('id');
    t.integer('engagement_id').notNullable().references('id').inTable('engagements').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    t.string('role', 120);
    t.string('jurisdiction_code', 2).references('code').inTable('jurisdictions');
    t.index(['engagement_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['engagement_attendees', 'engagement_topics', 'engagement_jurisdictions', 'engagement_consultants', 'engagements']) {
    await knex.schema.dropTableIfExists(table);
  }
}
