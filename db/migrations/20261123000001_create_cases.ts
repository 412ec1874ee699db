import type { Knex } from 'knex';

// Migrations stand alone: they never import application code, so that they keep working as the
// application changes.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jurisdictions', (t) => {
    t.string('code', 2).primary();
    t.string('name', 64).notNullable();
    t.string('fips', 2).notNullable().unique();
    t.string('kind', 16).notNullable(); // state | district | territory
    t.integer('tile_row').notNullable();
    t.integer('tile_col').notNullable();
  });

  await knex.schema.createTable('topics', (t) => {
    t.increments('id');
    t.string('slug', 64).notNullable().unique();
    t.string('name', 120).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('position').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable().unique(); // stored lower-cased
    t.string('name', 120).notNullable();
    t.string('role', 16).notNullable(); // director | consultant
    t.string('password_hash', 255);
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('capacity').notNullable().defaultTo(5);
    t.timestamp('last_sign_in_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  // One row a year; its `last` is bumped inside the transaction that creates the case, so a
  // rolled-back case gives its number back and references stay gap-free.
  await knex.schema.createTable('reference_counters', (t) => {
    t.integer('year').primary();
    t.integer('last').notNullable();
  });

  await knex.schema.createTable('cases', (t) => {
    t.increments('id');
    t.string('reference', 16).notNullable().unique();
    t.string('track', 16).notNullable(); // ta | network | cohort
    t.string('status', 16).notNullable();
    t.string('priority', 8).notNullable().defaultTo('normal');
    t.string('source', 16).notNullable(); // web_form | staff | import | api
    t.string('jurisdiction_code', 2).notNullable().references('code').inTable('jurisdictions');
    t.string('requester_name', 120).notNullable();
    t.string('requester_email', 254).notNullable();
    t.string('requester_phone', 40);
    t.string('requester_title', 120).notNullable();
    t.string('organization_type', 32).notNullable();
    t.string('organization_name', 200).notNullable();
    t.string('preferred_format', 32).notNullable();
    t.string('title', 120).notNullable();
    t.text('needs').notNullable();
    t.text('outcomes');
    t.string('preferred_start', 10); // YYYY-MM-DD, a calendar date with no time zone
    t.string('deadline', 10);
    t.integer('expected_participants');
    t.integer('lead_consultant_id').references('id').inTable('users');
    t.text('closing_summary');
    t.string('closing_reason', 500);
    t.string('status_token_hash', 64).notNullable().unique();
    t.string('idempotency_key', 100).unique();
    t.string('request_hash', 64);
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('first_assigned_at', { useTz: true });
    t.timestamp('first_engagement_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['status', 'submitted_at']);
    t.index(['jurisdiction_code']);
    t.index(['lead_consultant_id', 'status']);
    t.index(['submitted_at']);
  });

  await knex.schema.createTable('case_topics', (t) => {
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('topic_id').notNullable().references('id').inTable('topics');
    t.primary(['case_id', 'topic_id']);
    t.index(['topic_id']);
  });

  // The timeline: append-only, one row for every change to a case.
  await knex.schema.createTable('case_events', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('actor_user_id').references('id').inTable('users');
    t.string('actor_kind', 16).notNullable(); // staff | requester | system
    t.string('kind', 40).notNullable();
    t.text('before_json');
    t.text('after_json');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['case_events', 'case_topics', 'cases', 'reference_counters', 'users', 'topics', 'jurisdictions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
