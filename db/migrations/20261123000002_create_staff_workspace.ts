import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_topics', (t) => {
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('topic_id').notNullable().references('id').inTable('topics');
    t.primary(['user_id', 'topic_id']);
  });

  await knex.schema.createTable('case_supporters', (t) => {
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.primary(['case_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('case_messages', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.string('author_kind', 16).notNullable(); // staff | requester
    t.integer('author_user_id').references('id').inTable('users');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id', 'id']);
  });

  await knex.schema.createTable('case_notes', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('author_user_id').notNullable().references('id').inTable('users');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id', 'id']);
  });

  // Sign-in sessions live here so that any app instance serves any request and a restart keeps them.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('data').notNullable();
    t.bigInteger('expires_at').notNullable(); // epoch milliseconds
    t.integer('user_id').references('id').inTable('users').onDelete('CASCADE');
    t.index(['expires_at']);
    t.index(['user_id']);
  });

  // Failed sign-ins counted per account and per address, shared by every app instance.
  await knex.schema.createTable('login_throttles', (t) => {
    t.string('key', 300).primary();
    t.integer('failures').notNullable();
    t.bigInteger('window_started_at').notNullable();
    t.bigInteger('locked_until').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.increments('id');
    t.integer('actor_user_id').references('id').inTable('users');
    t.string('action', 60).notNullable();
    t.string('subject', 200);
    t.string('ip', 64);
    t.text('detail_json');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['action', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_events', 'login_throttles', 'sessions', 'case_notes', 'case_messages', 'case_supporters', 'user_topics']) {
    await knex.schema.dropTableIfExists(table);
  }
}
