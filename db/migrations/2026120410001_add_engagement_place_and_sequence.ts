import type { Knex } from 'knex';

/**
 * An engagement's place or video-meeting link (shown to the requester and put in the calendar
 * file), and the calendar SEQUENCE: raised at each move or cancellation, so that calendar programs
 * replace or remove the event they already have (same UID, higher SEQUENCE). The outbox gets an
 * index to count the receipts sent to one address in a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.string('location', 300);
    t.string('meeting_url', 500);
    t.integer('sequence').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.index(['kind', 'created_at'], 'outbox_kind_created_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['kind', 'created_at'], 'outbox_kind_created_index');
  });
  await knex.schema.alterTable('engagements', (t) => {
    t.dropColumn('location');
    t.dropColumn('meeting_url');
    t.dropColumn('sequence');
  });
}
