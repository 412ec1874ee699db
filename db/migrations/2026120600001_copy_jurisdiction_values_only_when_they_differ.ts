import type { Knex } from 'knex';

/**
 * SQLite: the triggers that keep engagement_jurisdictions' copies of its engagement's status, date
 * and year (migration 2026120517003) rewrote every row written there, even when it was given the
 * right values, which the app always does: each row was written twice, with its three indexes.
 * They now rewrite a row only when its copies differ from the engagement (a person with SQL), so
 * an import of 100,000 engagements no longer pays for 200,000 needless updates. What they
 * guarantee is unchanged. PostgreSQL's BEFORE trigger sets the values before the row is written
 * and needs no change.
 */
const SQLITE_TRIGGERS = ['engagement_jurisdictions_copies_insert', 'engagement_jurisdictions_copies_update'];

const fromEngagement = `status = (SELECT e.status FROM engagements e WHERE e.id = NEW.engagement_id),
    date = (SELECT e.date FROM engagements e WHERE e.id = NEW.engagement_id),
    year = (SELECT e.year FROM engagements e WHERE e.id = NEW.engagement_id)`;

async function createTriggers(knex: Knex, when: string): Promise<void> {
  for (const [name, event] of [
    ['engagement_jurisdictions_copies_insert', 'INSERT'],
    ['engagement_jurisdictions_copies_update', 'UPDATE'],
  ])
    await knex.raw(`CREATE TRIGGER ${name} AFTER ${event} ON engagement_jurisdictions ${when} BEGIN
    UPDATE engagement_jurisdictions SET ${fromEngagement} WHERE engagement_id = NEW.engagement_id AND jurisdiction_code = NEW.jurisdiction_code; END`);
}

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') return;
  for (const name of SQLITE_TRIGGERS) await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
  await createTriggers(
    knex,
    `FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM engagements e WHERE e.id = NEW.engagement_id
      AND e.status IS NEW.status AND e.date IS NEW.date AND e.year IS NEW.year)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') return;
  for (const name of SQLITE_TRIGGERS) await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
  await createTriggers(knex, '');
}
