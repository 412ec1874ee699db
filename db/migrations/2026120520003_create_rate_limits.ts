import type { Knex } from 'knex';

// The counters of the intake limit and the sign-in brake when several instances share
// PostgreSQL (rate-limiter-flexible's RateLimiterPostgres, with the table it expects). SQLite
// has one instance, which counts in memory; the table is made there too so both schemas match.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}
