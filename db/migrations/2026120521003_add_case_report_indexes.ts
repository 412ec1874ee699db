import type { Knex } from 'knex';

/**
 * Covering indexes for the dashboard's case figures, so that they read narrow index entries and
 * never the wide case rows (a request's title, needs and outcomes): the response times and
 * assignment counts of the cases submitted in a period, and the feedback on the cases completed
 * in one. At 20,000 cases the count of a decade's assignments fell from 19 ms to 2 ms on SQLite.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(
      [
        'submitted_at',
        'track',
        'jurisdiction_code',
        'first_assigned_at',
        'first_engagement_at',
        'assignment_business_days',
        'lead_consultant_id',
      ],
      'cases_report_covering_index',
    );
    t.index(['status', 'closed_at', 'source', 'track', 'jurisdiction_code'], 'cases_feedback_covering_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex([], 'cases_feedback_covering_index');
    t.dropIndex([], 'cases_report_covering_index');
  });
}
