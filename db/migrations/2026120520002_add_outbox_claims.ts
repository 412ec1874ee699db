import type { Knex } from 'knex';

// Each message is claimed by one worker with a token of its own: the worker checks the token
// before it sends and when it marks the message sent, so a message taken over after its lease
// ran out is never sent by both.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.string('claim_token', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('claim_token');
  });
}
