import type { Knex } from 'knex';

// The data version (migration 20261201000002) told kept pages and cached figures when to start
// over; the figures now come from roll-ups kept with the data (2026120517001), nothing keeps
// pages, and so the counter and its 29 triggers go.
const TABLES = [
  'application_reviews',
  'applications',
  'assignment_completions',
  'case_events',
  'case_messages',
  'case_notes',
  'case_supporters',
  'case_topics',
  'cases',
  'cohort_assignments',
  'cohort_meetings',
  'cohorts',
  'engagement_attendees',
  'engagement_consultants',
  'engagement_jurisdictions',
  'engagement_topics',
  'engagements',
  'feedback',
  'jurisdictions',
  'meeting_attendances',
  'network_event_cases',
  'network_event_teams',
  'network_events',
  'network_team_cases',
  'network_team_members',
  'network_teams',
  'topics',
  'user_topics',
  'users',
];
const OPERATIONS = ['insert', 'update', 'delete'];

// Outside a transaction, so that SQLite can VACUUM afterwards (every step can run again).
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const table of TABLES) await knex.raw('DROP TRIGGER IF EXISTS ?? ON ??', [`data_version_${table}`, table]);
    await knex.raw('DROP FUNCTION IF EXISTS bump_data_version()');
  } else {
    for (const table of TABLES) for (const op of OPERATIONS) await knex.raw(`DROP TRIGGER IF EXISTS data_version_${table}_${op}`);
  }
  await knex.schema.dropTableIfExists('data_version');
  // The dropped table's pages go back to the file system instead of waiting on SQLite's free list
  // (where a full disk would not be noticed until they were used up).
  if (knex.client.config.client !== 'pg') await knex.raw('VACUUM');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_version', (t) => {
    t.integer('id').primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  await knex('data_version').insert({ id: 1, version: 0 });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('leep.data_version_bumped', true) = txid_current()::text THEN
          RETURN NULL;
        END IF;
        PERFORM set_config('leep.data_version_bumped', txid_current()::text, true);
        UPDATE data_version SET version = version + 1 WHERE id = 1;
        RETURN NULL;
      END $$`);
    for (const table of TABLES) {
      await knex.raw(
        `CREATE CONSTRAINT TRIGGER ?? AFTER INSERT OR UPDATE OR DELETE ON ?? DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()`,
        [`data_version_${table}`, table],
      );
    }
    return;
  }
  for (const table of TABLES) {
    for (const op of OPERATIONS) {
      await knex.raw(
        `CREATE TRIGGER data_version_${table}_${op} AFTER ${op.toUpperCase()} ON \`${table}\` BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END`,
      );
    }
  }
}
