import type { Knex } from 'knex';

// Indexes measured by the benchmark at 200,000 engagements (test/bench/REPORT.md):
// - the dashboard's aggregates read only this covering index of engagements, no table rows;
// - a state's history reads its engagements in date order and stops at the page's end;
// - consultants' open-case workload and the feedback of completed cases are index scans.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('engagements', (t) => {
    t.index(['status', 'date', 'year', 'format', 'duration_minutes', 'participant_count', 'case_id'], 'engagements_report_covering_index');
  });
  await knex.schema.alterTable('engagement_jurisdictions', (t) => {
    t.index(['jurisdiction_code', 'date', 'engagement_id'], 'engagement_jurisdictions_history_index');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.index(['status', 'lead_consultant_id'], 'cases_status_lead_index');
    t.index(['status', 'closed_at'], 'cases_status_closed_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['status', 'closed_at'], 'cases_status_closed_index');
    t.dropIndex(['status', 'lead_consultant_id'], 'cases_status_lead_index');
  });
  await knex.schema.alterTable('engagement_jurisdictions', (t) => {
    t.dropIndex(['jurisdiction_code', 'date', 'engagement_id'], 'engagement_jurisdictions_history_index');
  });
  await knex.schema.alterTable('engagements', (t) => {
    t.dropIndex(
      ['status', 'date', 'year', 'format', 'duration_minutes', 'participant_count', 'case_id'],
      'engagements_report_covering_index',
    );
  });
}
