import type { Knex } from 'knex';

// What the kept pages and cached figures show, and so every table whose change must be seen.
// Left out: sign-in sessions, throttles, the audit log, the outbox, API tokens (last use) and
// the reference counters (moved only with a new case): none of them is on a kept page.
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
const OPERATIONS = ['INSERT', 'UPDATE', 'DELETE'];

/**
 * One number that every committed change to those tables moves: the data version that kept pages
 * and cached figures are checked against. Triggers keep it, so no change is missed, whichever
 * code (or person) makes it. On PostgreSQL the trigger is deferred to the commit and bumps once
 * per transaction: versions then follow the order of commits (ids do not), and a transaction holds
 * the row only while it commits, so writers never deadlock on it.
 */
export async function up(knex: Knex): Promise<void> {
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
        `CREATE CONSTRAINT TRIGGER data_version_${table} AFTER INSERT OR UPDATE OR DELETE ON ?? DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()`,
        [table],
      );
    }
    return;
  }
  for (const table of TABLES) {
    for (const op of OPERATIONS) {
      await knex.raw(
        `CREATE TRIGGER data_version_${table}_${op.toLowerCase()} AFTER ${op} ON \`${table}\` BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END`,
      );
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const table of TABLES) await knex.raw(`DROP TRIGGER IF EXISTS data_version_${table} ON ??`, [table]);
    await knex.raw('DROP FUNCTION IF EXISTS bump_data_version()');
  } else {
    for (const table of TABLES)
      for (const op of OPERATIONS) await knex.raw(`DROP TRIGGER IF EXISTS data_version_${table}_${op.toLowerCase()}`);
  }
  await knex.schema.dropTable('data_version');
}
