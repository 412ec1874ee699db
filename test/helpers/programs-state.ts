// The program's tables read back: every row they hold (to assert that a refused action changed
// nothing), an engagement's jurisdiction rows, and who was served, recounted from the raw rows.
import type { Knex } from 'knex';

/** Rows of the tables a program action writes, to assert that a refused action changed nothing. */
export async function programState(knex: Knex): Promise<string> {
  const tables = [
    'cases',
    'case_events',
    'engagements',
    'engagement_jurisdictions',
    'engagement_consultants',
    'engagement_attendees',
    'cohorts',
    'cohort_meetings',
    'applications',
    'application_reviews',
    'meeting_attendances',
    'cohort_assignments',
    'assignment_completions',
    'network_teams',
    'network_team_members',
    'network_events',
    'network_event_teams',
    'network_event_cases',
    'network_team_cases',
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const rows = await knex(t).select('*');
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** The jurisdiction rows of an engagement, with the copied status, date and year. */
export async function listedJurisdictions(
  knex: Knex,
  engagementId: number,
): Promise<{ code: string; status: string; date: string; year: number }[]> {
  const rows = await knex('engagement_jurisdictions').where({ engagement_id: engagementId }).orderBy('jurisdiction_code');
  return rows.map((r: Record<string, unknown>) => ({
    code: String(r.jurisdiction_code),
    status: String(r.status),
    date: String(r.date),
    year: Number(r.year),
  }));
}

/**
 * Who was served through the programs, recounted from their own tables by PRODUCT.md's
 * definition: a jurisdiction is served on a day when one of its cohort participants was present
 * at a meeting delivered that day, or one of its teams attended an event delivered that day.
 * Days by jurisdiction, for each program.
 */
export async function programServedDays(knex: Knex): Promise<{ cohort: Map<string, string[]>; network: Map<string, string[]> }> {
  const meetings = await knex('meeting_attendances as t')
    .join('cohort_meetings as m', 'm.id', 't.cohort_meeting_id')
    .join('engagements as e', 'e.id', 'm.engagement_id')
    .join('applications as a', 'a.id', 't.application_id')
    .where({ 't.status': 'present', 'e.status': 'delivered' })
    .select('a.jurisdiction_code as code', 'e.date');
  const events = await knex('network_event_teams as x')
    .join('network_events as n', 'n.id', 'x.network_event_id')
    .join('engagements as e', 'e.id', 'n.engagement_id')
    .join('network_teams as t', 't.id', 'x.network_team_id')
    .where('e.status', 'delivered')
    .select('t.jurisdiction_code as code', 'e.date');
  const byCode = (rows: { code: string; date: string }[]) => {
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.code) ?? [];
      if (!list.includes(r.date)) list.push(r.date);
      out.set(r.code, list.sort());
    }
    return out;
  };
  return { cohort: byCode(meetings), network: byCode(events) };
}
