import type { Knex } from 'knex';

// A CSV file a director has checked, kept on the server for an hour so that "Import this file"
// needs no second upload. Rows are removed once used or older than an hour. Not on a kept page,
// so the table stays out of the data-version triggers.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_uploads', (t) => {
    t.increments('id');
    t.string('token_hash', 64).notNullable().unique(); // SHA-256 of the random token in the form
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('file_name', 255).notNullable();
    t.text('csv_text').notNullable();
    t.string('sha256', 64).notNullable(); // of the CSV text: what was checked is what is imported
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('import_uploads');
}
