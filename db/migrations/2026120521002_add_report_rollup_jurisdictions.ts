import type { Knex } from 'knex';

/**
 * The roll-ups (2026120517001) broken down by jurisdiction too: a column `jurisdiction`, '' for
 * rows over all engagements (as before) or a code for rows over the engagements listing it, for
 * the kinds `format`, `topic`, `consultant`, `any_topic` and `any_consultant`. A dashboard filtered
 * by a state, and the state page's consultants, then read a few hundred roll-up rows instead of
 * joining every engagement of the state. The key leads with kind and jurisdiction, so a read for
 * one jurisdiction (or for all, '') touches only its own rows.
 *
 * The table is made again and filled from the raw rows; the SQL is a copy (migrations never
 * import app code) of what report-rollup.queries.ts runs.
 */
const KINDS = `
  with d as (
    select e.id as d_id, e.date as d_date, e.year as d_year, substr(e.date, 1, 7) as d_month, c.track as d_track, e.format as d_format, e.duration_minutes as d_m, e.participant_count as d_p
    from engagements e join cases c on c.id = e.case_id where e.status = 'delivered'
  ),
  dj as (select d.*, x.jurisdiction_code as d_code from d join engagement_jurisdictions x on x.engagement_id = d.d_id)
  insert into report_rollups (kind, jurisdiction, month, year, track, item, engagements, minutes, participants, first_date, last_date)
  select 'format', '', d_month, d_year, d_track, d_format, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d group by d_month, d_year, d_track, d_format
  union all select 'jurisdiction', '', d_month, d_year, d_track, d_code, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj group by d_month, d_year, d_track, d_code
  union all select 'topic', '', d_month, d_year, d_track, cast(x.topic_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_topics x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.topic_id
  union all select 'consultant', '', d_month, d_year, d_track, cast(x.user_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_consultants x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.user_id
  union all select 'any_state', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind <> 'territory') group by d_month, d_year, d_track
  union all select 'any_territory', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind = 'territory') group by d_month, d_year, d_track
  union all select 'any_topic', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_topics x where x.engagement_id = d.d_id) group by d_month, d_year, d_track
  union all select 'any_consultant', '', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_consultants x where x.engagement_id = d.d_id) group by d_month, d_year, d_track
  union all select 'format', d_code, d_month, d_year, d_track, d_format, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj group by d_code, d_month, d_year, d_track, d_format
  union all select 'topic', d_code, d_month, d_year, d_track, cast(x.topic_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj join engagement_topics x on x.engagement_id = dj.d_id group by d_code, d_month, d_year, d_track, x.topic_id
  union all select 'consultant', d_code, d_month, d_year, d_track, cast(x.user_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj join engagement_consultants x on x.engagement_id = dj.d_id group by d_code, d_month, d_year, d_track, x.user_id
  union all select 'any_topic', d_code, d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj where exists (select 1 from engagement_topics x where x.engagement_id = dj.d_id) group by d_code, d_month, d_year, d_track
  union all select 'any_consultant', d_code, d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from dj where exists (select 1 from engagement_consultants x where x.engagement_id = dj.d_id) group by d_code, d_month, d_year, d_track`;

function createTable(knex: Knex, withJurisdiction: boolean) {
  return knex.schema.createTable('report_rollups', (t) => {
    t.string('kind', 16).notNullable();
    if (withJurisdiction) t.string('jurisdiction', 2).notNullable();
    t.string('month', 7).notNullable();
    t.string('track', 16).notNullable();
    t.string('item', 32).notNullable();
    t.integer('year').notNullable();
    t.integer('engagements').notNullable();
    t.bigInteger('minutes').notNullable();
    t.bigInteger('participants').notNullable();
    t.string('first_date', 10).notNullable();
    t.string('last_date', 10).notNullable();
    t.primary(withJurisdiction ? ['kind', 'jurisdiction', 'month', 'track', 'item', 'year'] : ['kind', 'month', 'track', 'item', 'year']);
    t.index(['month', 'track'], 'report_rollups_cell_index');
  });
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_rollups');
  await createTable(knex, true);
  await knex.raw(KINDS);
}

export async function down(knex: Knex): Promise<void> {
  // The rows over all engagements are the table as it was.
  const columns = 'kind, month, year, track, item, engagements, minutes, participants, first_date, last_date';
  await knex.raw(`create table report_rollups_previous as select ${columns} from report_rollups where jurisdiction = ''`);
  await knex.schema.dropTable('report_rollups');
  await createTable(knex, false);
  await knex.raw(`insert into report_rollups (${columns}) select ${columns} from report_rollups_previous`);
  await knex.schema.dropTable('report_rollups_previous');
}
