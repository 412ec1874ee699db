import type { Knex } from 'knex';

// The answers to the staff API's writes sent with an Idempotency-Key, so that a retried call gets
// the first answer instead of writing twice. A key is the token's own: another token's same key
// is another call. A row without a status is a call still being made.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_idempotency_keys', (t) => {
    t.increments('id');
    t.integer('token_id').notNullable().references('id').inTable('api_tokens').onDelete('CASCADE');
    t.string('key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('status');
    t.text('response');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['token_id', 'key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('api_idempotency_keys');
}
