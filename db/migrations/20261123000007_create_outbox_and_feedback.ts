import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every message is written here in the same transaction as the change that caused it, then
  // delivered by the worker with retries, so a slow or failing mail server loses nothing.
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id');
    t.string('kind', 40).notNullable();
    t.integer('case_id').references('id').inTable('cases').onDelete('SET NULL');
    t.string('to_address', 254).notNullable();
    t.string('subject', 300).notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').notNullable();
    t.text('ics');
    t.string('status', 16).notNullable(); // waiting | sending | sent | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable(); // epoch ms
    t.text('last_error');
    t.string('dedupe_key', 300).unique();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true });
    t.index(['status', 'next_attempt_at']);
  });

  // The status token, encrypted with a key derived from SECRET, so that later messages to the
  // requester can carry their status link while the database alone cannot open it.
  await knex.schema.alterTable('cases', (t) => {
    t.text('status_token_enc');
  });

  await knex.schema.createTable('feedback', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().unique().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('quality').notNullable();
    t.integer('relevance').notNullable();
    t.integer('usefulness').notNullable();
    t.text('comment');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('feedback');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('status_token_enc');
  });
  await knex.schema.dropTableIfExists('outbox');
}
