import type { Knex } from 'knex';

/**
 * The CSV exports read a page at a time, each page starting after the last row of the one before
 * by a row value: `(date, id) < (…)` for the engagements, `(submitted_at, id) < (…)` for the
 * cases. With the id in the index, PostgreSQL starts each page in the index instead of filtering
 * every row before it (a whole-history export read its first rows again for every page). SQLite's
 * indexes hold the row id already; the wider index replaces the narrower one on both engines.
 * An export filtered by a jurisdiction pages through that jurisdiction's own index the same way,
 * by (date, engagement_id) of engagement_jurisdictions.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.index(['status', 'date', 'id'], 'engagements_status_date_id_index');
    t.dropIndex(['status', 'date']);
  });
  await knex.schema.alterTable('cases', (t) => {
    t.index(['submitted_at', 'id'], 'cases_submitted_at_id_index');
    t.dropIndex(['submitted_at']);
  });
  await knex.schema.alterTable('engagement_jurisdictions', (t) => {
    t.index(['status', 'jurisdiction_code', 'date', 'engagement_id'], 'engagement_jurisdictions_served_index');
    t.dropIndex(['status', 'jurisdiction_code', 'date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagement_jurisdictions', (t) => {
    t.index(['status', 'jurisdiction_code', 'date']);
    t.dropIndex([], 'engagement_jurisdictions_served_index');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.index(['submitted_at']);
    t.dropIndex([], 'cases_submitted_at_id_index');
  });
  await knex.schema.alterTable('engagements', (t) => {
    t.index(['status', 'date']);
    t.dropIndex([], 'engagements_status_date_id_index');
  });
}
