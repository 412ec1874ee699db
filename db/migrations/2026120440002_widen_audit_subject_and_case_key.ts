import type { Knex } from 'knex';

// Columns shorter than what their forms accept made PostgreSQL refuse the row (a 500, and for
// a sign-in, no audit event): a sign-in's subject is "account:" and an e-mail of up to 254
// characters; a network training's case key is "network-training:" and a key of up to 100.
// SQLite does not enforce varchar lengths, and rebuilding its tables (with their triggers) for
// nothing would be a risk: only PostgreSQL's columns change.
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE audit_events ALTER COLUMN subject TYPE varchar(320)');
  await knex.raw('ALTER TABLE cases ALTER COLUMN idempotency_key TYPE varchar(160)');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE cases ALTER COLUMN idempotency_key TYPE varchar(100)');
  await knex.raw('ALTER TABLE audit_events ALTER COLUMN subject TYPE varchar(200)');
}
