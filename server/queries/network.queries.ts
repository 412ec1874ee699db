import { Queryable, reads } from '../db';
import { num } from '../values';
import { isId } from '../ids';

export interface TeamRow {
  id: number;
  jurisdiction_code: string;
  jurisdiction_name: string;
  created_at: string | Date;
  updated_at: string | Date;
}

interface MemberRow {
  id: number;
  network_team_id: number;
  position: number;
  name: string;
  role: string;
  organization: string;
}

/** A network event with what its engagement holds. */
export interface EventRow {
  id: number;
  engagement_id: number;
  case_id: number;
  kind: string;
  title: string;
  date: string;
  start_time: string | null;
  duration_minutes: number;
  status: string;
  participant_count: number;
  summary: string | null;
}

const teamOf = (r: TeamRow): TeamRow => ({ ...r, id: Number(r.id) });

const eventOf = (r: EventRow): EventRow => ({
  ...r,
  id: Number(r.id),
  engagement_id: Number(r.engagement_id),
  case_id: Number(r.case_id),
  duration_minutes: num(r.duration_minutes),
  participant_count: num(r.participant_count),
});

const teams = (q: Queryable) =>
  q('network_teams as t').join('jurisdictions as j', 'j.code', 't.jurisdiction_code').select('t.*', 'j.name as jurisdiction_name');

/** Every team by jurisdiction name, with its number of members. */
export async function listTeams(q: Queryable = reads): Promise<(TeamRow & { members: number })[]> {
  const rows = await teams(q)
    .select(q.raw('(select count(*) from network_team_members m where m.network_team_id = t.id) as members'))
    .orderBy('j.name');
  return rows.map((r: TeamRow & { members: unknown }) => ({ ...teamOf(r), members: num(r.members) }));
}

export async function findTeam(id: number, q: Queryable = reads): Promise<TeamRow | undefined> {
  if (!isId(id)) return undefined;
  const row = await teams(q).where('t.id', id).first();
  return row ? teamOf(row) : undefined;
}

export async function findTeamByJurisdiction(code: string, q: Queryable = reads): Promise<TeamRow | undefined> {
  const row = await teams(q).where('t.jurisdiction_code', code).first();
  return row ? teamOf(row) : undefined;
}

export async function insertTeam(
  q: Queryable,
  row: { jurisdiction_code: string; created_at: string; updated_at: string },
): Promise<number> {
  const [inserted] = await q('network_teams').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function updateTeamRow(q: Queryable, id: number, changes: { jurisdiction_code: string; updated_at: string }): Promise<void> {
  await q('network_teams').where({ id }).update(changes);
}

/** A team's members in the order they were entered. */
export async function membersOfTeams(teamIds: number[], q: Queryable = reads): Promise<MemberRow[]> {
  if (!teamIds.length) return [];
  const rows = await q('network_team_members')
    .whereIn('network_team_id', teamIds)
    .orderBy('network_team_id')
    .orderBy('position')
    .select('id', 'network_team_id', 'position', 'name', 'role', 'organization');
  return rows.map((r: MemberRow) => ({ ...r, id: Number(r.id), network_team_id: Number(r.network_team_id), position: num(r.position) }));
}

export async function replaceMembers(
  q: Queryable,
  teamId: number,
  members: { name: string; role: string; organization: string }[],
  at: string,
): Promise<void> {
  await q('network_team_members').where({ network_team_id: teamId }).delete();
  if (members.length) {
    await q('network_team_members').insert(
      members.map((m, i) => ({
        network_team_id: teamId,
        position: i + 1,
        name: m.name,
        role: m.role,
        organization: m.organization,
        created_at: at,
        updated_at: at,
      })),
    );
  }
}

/** The case that holds a year's network events, if made. */
export async function eventCaseOfYear(year: number, q: Queryable = reads): Promise<number | undefined> {
  const row = await q('network_event_cases').where({ year }).first('case_id');
  return row ? Number(row.case_id) : undefined;
}

export async function insertEventCase(
  q: Queryable,
  row: { year: number; case_id: number; created_at: string; updated_at: string },
): Promise<void> {
  await q('network_event_cases').insert(row);
}

/** The id of the event a form with this submission key recorded, if any. */
export async function eventIdByKey(key: string, q: Queryable = reads): Promise<number | undefined> {
  const row = await q('network_events').where({ idempotency_key: key }).first('id');
  return row ? Number(row.id) : undefined;
}

export async function insertEvent(
  q: Queryable,
  row: {
    engagement_id: number;
    kind: string;
    title: string;
    created_by_user_id: number;
    idempotency_key: string | null;
    created_at: string;
    updated_at: string;
  },
): Promise<number> {
  const [inserted] = await q('network_events').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function updateEventRow(
  q: Queryable,
  id: number,
  changes: { kind: string; title: string; updated_at: string },
): Promise<void> {
  await q('network_events').where({ id }).update(changes);
}

const events = (q: Queryable) =>
  q('network_events as n')
    .join('engagements as e', 'e.id', 'n.engagement_id')
    .select(
      'n.id',
      'n.engagement_id',
      'e.case_id',
      'n.kind',
      'n.title',
      'e.date',
      'e.start_time',
      'e.duration_minutes',
      'e.status',
      'e.participant_count',
      'e.summary',
    );

/** Every network event, newest first. */
export async function listEvents(q: Queryable = reads): Promise<EventRow[]> {
  const rows = await events(q).orderBy('e.date', 'desc').orderBy('n.id', 'desc');
  return rows.map(eventOf);
}

export async function findEvent(id: number, q: Queryable = reads): Promise<EventRow | undefined> {
  if (!isId(id)) return undefined;
  const row = await events(q).where('n.id', id).first();
  return row ? eventOf(row) : undefined;
}

/** The ids of the teams that attended an event. */
export async function teamsAtEvent(eventId: number, q: Queryable = reads): Promise<number[]> {
  return (await q('network_event_teams').where({ network_event_id: eventId }).orderBy('network_team_id').select('network_team_id')).map(
    (r) => Number(r.network_team_id),
  );
}

export async function replaceEventTeams(q: Queryable, eventId: number, teamIds: number[], at: string): Promise<void> {
  await q('network_event_teams').where({ network_event_id: eventId }).delete();
  if (teamIds.length)
    await q('network_event_teams').insert(
      teamIds.map((network_team_id) => ({ network_event_id: eventId, network_team_id, created_at: at, updated_at: at })),
    );
}

/** The events a team attended, newest first. */
export async function eventsOfTeam(teamId: number, q: Queryable = reads): Promise<EventRow[]> {
  const rows = await events(q)
    .join('network_event_teams as x', 'x.network_event_id', 'n.id')
    .where('x.network_team_id', teamId)
    .orderBy('e.date', 'desc')
    .orderBy('n.id', 'desc');
  return rows.map(eventOf);
}

export async function linkTeamCase(
  q: Queryable,
  row: { network_team_id: number; case_id: number; created_at: string; updated_at: string },
): Promise<void> {
  await q('network_team_cases').insert(row);
}

/** A team's customized-training cases, newest first. */
export async function casesOfTeam(
  teamId: number,
  q: Queryable = reads,
): Promise<{ id: number; reference: string; title: string; status: string; submitted_at: string | Date }[]> {
  const rows = await q('network_team_cases as x')
    .join('cases as c', 'c.id', 'x.case_id')
    .where('x.network_team_id', teamId)
    .orderBy('c.submitted_at', 'desc')
    .select('c.id', 'c.reference', 'c.title', 'c.status', 'c.submitted_at');
  return rows;
}
