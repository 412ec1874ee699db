import type { Knex } from 'knex';

// The National Cohort and the State Policy Network. Each cohort owns a case (track `cohort`) and
// each of its meetings is an engagement of that case; each network event is an engagement of a
// yearly case (track `network`). Dates, times, durations and statuses live on the engagements
// only, so that the reports, which read engagements, need no change to count this work.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cohorts', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().unique().references('id').inTable('cases');
    t.integer('year').notNullable();
    t.string('name', 120).notNullable();
    t.text('description');
    // The application window, calendar dates in the program's time zone, both days included.
    t.string('opens_on', 10).notNullable();
    t.string('closes_on', 10).notNullable();
    t.integer('created_by_user_id').references('id').inTable('users');
    // The form's submission key: a form sent twice opens one cohort.
    t.string('idempotency_key', 100).unique();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['year', 'name']);
  });

  // Up to four a cohort, numbered 1-4; the engagement holds the date, time, duration and status.
  await knex.schema.createTable('cohort_meetings', (t) => {
    t.increments('id');
    t.integer('cohort_id').notNullable().references('id').inTable('cohorts').onDelete('CASCADE');
    t.integer('number').notNullable();
    t.integer('engagement_id').notNullable().unique().references('id').inTable('engagements').onDelete('CASCADE');
    t.string('mode', 16).notNullable(); // virtual | in_person
    t.string('place', 200);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['cohort_id', 'number']);
  });

  await knex.schema.createTable('applications', (t) => {
    t.increments('id');
    t.integer('cohort_id').notNullable().references('id').inTable('cohorts').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    t.string('email', 254).notNullable(); // stored lower-cased
    t.string('jurisdiction_code', 2).notNullable().references('code').inTable('jurisdictions');
    t.string('board_role', 120).notNullable();
    t.integer('years_on_board').notNullable();
    t.text('equity_commitment').notNullable();
    t.text('race_culture_openness').notNullable();
    t.text('leadership').notNullable();
    t.string('decision', 16); // null until decided | selected | waitlisted | not_selected
    t.timestamp('decided_at', { useTz: true });
    t.integer('decided_by_user_id').references('id').inTable('users');
    // The applicant's private status link: only its SHA-256 (to find it) and a sealed copy (for mail).
    t.string('status_token_hash', 64).notNullable().unique();
    t.text('status_token_enc');
    t.string('idempotency_key', 100).unique();
    t.string('request_hash', 64);
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['cohort_id', 'email']);
    t.index(['cohort_id', 'decision']);
  });

  // One review a reviewer an application, final once given (blind scoring: see application.service).
  await knex.schema.createTable('application_reviews', (t) => {
    t.increments('id');
    t.integer('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.integer('reviewer_user_id').notNullable().references('id').inTable('users');
    t.integer('equity_score').notNullable();
    t.text('equity_comment').notNullable();
    t.integer('openness_score').notNullable();
    t.text('openness_comment').notNullable();
    t.integer('leadership_score').notNullable();
    t.text('leadership_comment').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['application_id', 'reviewer_user_id']);
    t.index(['reviewer_user_id']);
  });

  await knex.schema.createTable('meeting_attendances', (t) => {
    t.increments('id');
    t.integer('cohort_meeting_id').notNullable().references('id').inTable('cohort_meetings').onDelete('CASCADE');
    t.integer('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.string('status', 16).notNullable(); // present | excused | absent
    t.integer('recorded_by_user_id').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['cohort_meeting_id', 'application_id']);
    t.index(['application_id']);
  });

  await knex.schema.createTable('cohort_assignments', (t) => {
    t.increments('id');
    t.integer('cohort_id').notNullable().references('id').inTable('cohorts').onDelete('CASCADE');
    t.string('title', 200).notNullable();
    t.string('due_on', 10).notNullable();
    t.string('idempotency_key', 100).unique();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['cohort_id', 'due_on']);
  });

  await knex.schema.createTable('assignment_completions', (t) => {
    t.increments('id');
    t.integer('cohort_assignment_id').notNullable().references('id').inTable('cohort_assignments').onDelete('CASCADE');
    t.integer('application_id').notNullable().references('id').inTable('applications').onDelete('CASCADE');
    t.integer('recorded_by_user_id').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['cohort_assignment_id', 'application_id']);
    t.index(['application_id']);
  });

  // One team a jurisdiction.
  await knex.schema.createTable('network_teams', (t) => {
    t.increments('id');
    t.string('jurisdiction_code', 2).notNullable().unique().references('code').inTable('jurisdictions');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('network_team_members', (t) => {
    t.increments('id');
    t.integer('network_team_id').notNullable().references('id').inTable('network_teams').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('name', 120).notNullable();
    t.string('role', 120).notNullable();
    t.string('organization', 32).notNullable(); // state_board | state_agency | other
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['network_team_id', 'position']);
  });

  // The case that holds a year's network events ("State Policy Network events 2027").
  await knex.schema.createTable('network_event_cases', (t) => {
    t.increments('id');
    t.integer('year').notNullable().unique();
    t.integer('case_id').notNullable().unique().references('id').inTable('cases');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('network_events', (t) => {
    t.increments('id');
    t.integer('engagement_id').notNullable().unique().references('id').inTable('engagements').onDelete('CASCADE');
    t.string('kind', 32).notNullable(); // expert_talk | peer_discussion
    t.string('title', 200).notNullable();
    t.integer('created_by_user_id').references('id').inTable('users');
    t.string('idempotency_key', 100).unique();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('network_event_teams', (t) => {
    t.increments('id');
    t.integer('network_event_id').notNullable().references('id').inTable('network_events').onDelete('CASCADE');
    t.integer('network_team_id').notNullable().references('id').inTable('network_teams');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['network_event_id', 'network_team_id']);
    t.index(['network_team_id']);
  });

  // Customized training for one team: an ordinary network-track case, remembered as the team's.
  await knex.schema.createTable('network_team_cases', (t) => {
    t.increments('id');
    t.integer('network_team_id').notNullable().references('id').inTable('network_teams');
    t.integer('case_id').notNullable().unique().references('id').inTable('cases').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['network_team_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'network_team_cases',
    'network_event_teams',
    'network_events',
    'network_event_cases',
    'network_team_members',
    'network_teams',
    'assignment_completions',
    'cohort_assignments',
    'meeting_attendances',
    'application_reviews',
    'applications',
    'cohort_meetings',
    'cohorts',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
