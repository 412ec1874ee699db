import type { Knex } from 'knex';

/**
 * The feedback figures (mean ratings and response rate of completed cases, by format and by
 * consultant) summed by calendar year of completion (UTC) and track, over all jurisdictions: the
 * whole-history dashboard joined every completed case to its formats and its consultants (about
 * 50,000 rows each at 20,000 cases); it reads a row per year, track and group now, and the raw rows
 * only for the parts of the period outside whole years. A period filtered by a jurisdiction reads
 * the raw rows (that case index narrows them to the state's cases).
 *
 * Rows: kind 'all' (item ''), 'format' (item the format) and 'consultant' (item the user id), each
 * with the completed cases (not imported: their requesters were never asked), those answered and
 * the sums of their three ratings. `report_feedback_marks` holds the (year, track) a case is
 * counted in now, so that a change (completed, reopened, another track, new feedback, its
 * engagements' formats or consultants) counts its old and new cells again. Kept in the transaction
 * of every such change (report-rollups.ts); the SQL is a copy (migrations never import app code)
 * of what feedback-rollup.queries.ts runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_feedback_years', (t) => {
    t.integer('calendar_year').notNullable();
    t.string('track', 16).notNullable();
    t.string('kind', 16).notNullable();
    t.string('item', 32).notNullable();
    t.integer('completed').notNullable();
    t.integer('answered').notNullable();
    t.integer('quality').notNullable();
    t.integer('relevance').notNullable();
    t.integer('usefulness').notNullable();
    t.primary(['kind', 'calendar_year', 'track', 'item']);
  });
  await knex.schema.createTable('report_feedback_marks', (t) => {
    t.integer('case_id').notNullable().primary();
    t.integer('calendar_year').notNullable();
    t.string('track', 16).notNullable();
  });
  const year =
    knex.client.config.client === 'pg'
      ? `cast(extract(year from c.closed_at at time zone 'UTC') as integer)`
      : 'cast(substr(c.closed_at, 1, 4) as integer)';
  await knex.raw(`
    with fc as (
      select c.id as f_id, ${year} as f_year, c.track as f_track,
        case when fb.case_id is null then 0 else 1 end as f_answered, fb.quality as f_q, fb.relevance as f_r, fb.usefulness as f_u
      from cases c left join feedback fb on fb.case_id = c.id
      where c.status = 'completed' and c.source <> 'import' and c.closed_at is not null
    )
    insert into report_feedback_years (calendar_year, track, kind, item, completed, answered, quality, relevance, usefulness)
    select f_year, f_track, 'all', '', count(*), sum(f_answered), coalesce(sum(f_q), 0), coalesce(sum(f_r), 0), coalesce(sum(f_u), 0) from fc group by f_year, f_track
    union all select f_year, f_track, 'format', x.format, count(*), sum(f_answered), coalesce(sum(f_q), 0), coalesce(sum(f_r), 0), coalesce(sum(f_u), 0) from fc join report_case_formats x on x.case_id = fc.f_id group by f_year, f_track, x.format
    union all select f_year, f_track, 'consultant', cast(x.user_id as varchar(32)), count(*), sum(f_answered), coalesce(sum(f_q), 0), coalesce(sum(f_r), 0), coalesce(sum(f_u), 0) from fc join report_case_consultants x on x.case_id = fc.f_id group by f_year, f_track, x.user_id`);
  await knex.raw(`
    insert into report_feedback_marks (case_id, calendar_year, track)
    select c.id, ${year}, c.track from cases c where c.status = 'completed' and c.source <> 'import' and c.closed_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_feedback_marks');
  await knex.schema.dropTable('report_feedback_years');
}
