import type { Knex } from 'knex';

// Staff second factors: one TOTP key per user, its recovery codes, and any number of passkeys.
// None of these rows is on a kept page, so they stay out of the data-version triggers.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_totp', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.string('secret_sealed', 200).notNullable(); // the key, sealed with the app secret (AES-256-GCM)
    t.timestamp('confirmed_at', { useTz: true }); // null until the first code is typed
    t.bigInteger('last_step').notNullable().defaultTo(-1); // the last accepted time step: no replay
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable(); // HMAC-SHA-256 of the code
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id']);
  });

  await knex.schema.createTable('passkeys', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('credential_id', 512).notNullable().unique(); // base64url
    t.text('public_key').notNullable(); // base64url of the COSE key
    t.bigInteger('counter').notNullable().defaultTo(0);
    t.string('transports', 200);
    t.string('name', 60).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_used_at', { useTz: true });
    t.index(['user_id']);
  });

  // Throttle rows expire and audit events are pruned by age: both deletions look rows up by time.
  await knex.schema.alterTable('login_throttles', (t) => t.index(['locked_until']));
  await knex.schema.alterTable('audit_events', (t) => t.index(['created_at']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => t.dropIndex(['created_at']));
  await knex.schema.alterTable('login_throttles', (t) => t.dropIndex(['locked_until']));
  for (const table of ['passkeys', 'recovery_codes', 'user_totp']) await knex.schema.dropTableIfExists(table);
}
