import type { Knex } from 'knex';

/**
 * The roll-ups over all engagements (report_rollups' rows of jurisdiction '') summed again by
 * calendar year: a period of whole years reads one row per year instead of twelve. The
 * unfiltered dashboard's default period (2017 to today) read 25,000 consultant rows at 20,000
 * cases; it reads about 3,000 now, the months of the current year included. Kept in the same
 * transaction as the month rows (report-rollups.ts), from them, not from the raw engagements.
 *
 * `calendar_year` is the year of the months summed; `year` is the engagements' own column, as in
 * report_rollups (the same year whenever the engagement was written by the app). The table is
 * filled from report_rollups; the SQL is a copy (migrations never import app code) of what
 * report-rollup.queries.ts runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_rollup_years', (t) => {
    t.string('kind', 16).notNullable();
    t.integer('calendar_year').notNullable();
    t.string('track', 16).notNullable();
    t.string('item', 32).notNullable();
    t.integer('year').notNullable();
    t.integer('engagements').notNullable();
    t.bigInteger('minutes').notNullable();
    t.bigInteger('participants').notNullable();
    t.string('first_date', 10).notNullable();
    t.string('last_date', 10).notNullable();
    t.primary(['kind', 'calendar_year', 'track', 'item', 'year']);
    t.index(['calendar_year', 'track'], 'report_rollup_years_cell_index');
  });
  await knex.raw(`
    insert into report_rollup_years (kind, calendar_year, track, item, year, engagements, minutes, participants, first_date, last_date)
    select kind, cast(substr(month, 1, 4) as integer), track, item, year, sum(engagements), sum(minutes), sum(participants), min(first_date), max(last_date)
    from report_rollups where jurisdiction = ''
    group by kind, substr(month, 1, 4), track, item, year`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_rollup_years');
}
