import type { Knex } from 'knex';

// A replayed submission gives back its status link only to the client that sent it first: the
// case keeps a keyed hash of that client's address (never the address itself).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.string('idempotency_client', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('idempotency_client');
  });
}
