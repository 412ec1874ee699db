import type { Knex } from 'knex';

/**
 * Roll-ups of delivered engagements, the figures of the dashboard, the coverage CSV and the state
 * page read instead of scanning every engagement (issue 17). One row per month × year × track ×
 * kind × item, where kind says what the row counts: `format` (item: the format; these rows add up
 * to all engagements), `jurisdiction`, `topic` (item: topic id), `consultant` (item: user id), and
 * `any_state`, `any_territory`, `any_topic`, `any_consultant` (item ''): engagements listing at
 * least one of those, each counted once. Kept in the transaction of every engagement change by
 * server/services/report-rollups.ts, per (month, track) cell; `npm run cli -- reports:rebuild`
 * makes them again from the raw rows.
 *
 * `report_engagement_marks` holds, for each delivered engagement, what it last added to the
 * roll-ups (a signature of everything counted): a change of a case then redoes only the cells of
 * the engagements whose signature moved.
 *
 * The SQL below is a copy (migrations never import app code) of what report-rollup.queries.ts runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_rollups', (t) => {
    t.string('kind', 16).notNullable();
    t.string('month', 7).notNullable();
    t.string('track', 16).notNullable();
    t.string('item', 32).notNullable();
    t.integer('year').notNullable();
    t.integer('engagements').notNullable();
    t.bigInteger('minutes').notNullable();
    t.bigInteger('participants').notNullable();
    t.string('first_date', 10).notNullable();
    t.string('last_date', 10).notNullable();
    t.primary(['kind', 'month', 'track', 'item', 'year']);
    t.index(['month', 'track'], 'report_rollups_cell_index');
  });
  await knex.schema.createTable('report_engagement_marks', (t) => {
    t.integer('engagement_id').primary();
    t.integer('case_id').notNullable().index();
    t.string('month', 7).notNullable();
    t.string('track', 16).notNullable();
    t.text('signature').notNullable();
  });
  const pg = knex.client.config.client === 'pg';
  const list = (expr: string, from: string) =>
    pg
      ? `(select string_agg(cast(${expr} as text), ',' order by ${expr}) ${from})`
      : `(select group_concat(${expr}, ',' order by ${expr}) ${from})`;
  await knex.raw(`
    with d as (
      select e.id as d_id, e.date as d_date, e.year as d_year, substr(e.date, 1, 7) as d_month, c.track as d_track, e.format as d_format, e.duration_minutes as d_m, e.participant_count as d_p
      from engagements e join cases c on c.id = e.case_id where e.status = 'delivered'
    )
    insert into report_rollups (kind, month, year, track, item, engagements, minutes, participants, first_date, last_date)
    select 'format', d_month, d_year, d_track, d_format, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d group by d_month, d_year, d_track, d_format
    union all select 'jurisdiction', d_month, d_year, d_track, x.jurisdiction_code, count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_jurisdictions x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.jurisdiction_code
    union all select 'topic', d_month, d_year, d_track, cast(x.topic_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_topics x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.topic_id
    union all select 'consultant', d_month, d_year, d_track, cast(x.user_id as varchar(32)), count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d join engagement_consultants x on x.engagement_id = d.d_id group by d_month, d_year, d_track, x.user_id
    union all select 'any_state', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind <> 'territory') group by d_month, d_year, d_track
    union all select 'any_territory', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_jurisdictions x join jurisdictions j on j.code = x.jurisdiction_code where x.engagement_id = d.d_id and j.kind = 'territory') group by d_month, d_year, d_track
    union all select 'any_topic', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_topics x where x.engagement_id = d.d_id) group by d_month, d_year, d_track
    union all select 'any_consultant', d_month, d_year, d_track, '', count(*), sum(d_m), sum(d_p), min(d_date), max(d_date) from d where exists (select 1 from engagement_consultants x where x.engagement_id = d.d_id) group by d_month, d_year, d_track`);
  await knex.raw(`
    insert into report_engagement_marks (engagement_id, case_id, month, track, signature)
    select e.id, e.case_id, substr(e.date, 1, 7), c.track,
      e.date || '|' || e.year || '|' || e.format || '|' || e.duration_minutes || '|' || e.participant_count || '|' || c.track
      || '|' || coalesce(${list('x.jurisdiction_code', 'from engagement_jurisdictions x where x.engagement_id = e.id')}, '')
      || '|' || coalesce(${list('x.topic_id', 'from engagement_topics x where x.engagement_id = e.id')}, '')
      || '|' || coalesce(${list('x.user_id', 'from engagement_consultants x where x.engagement_id = e.id')}, '')
    from engagements e join cases c on c.id = e.case_id where e.status = 'delivered'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('report_engagement_marks');
  await knex.schema.dropTableIfExists('report_rollups');
}
