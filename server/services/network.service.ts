import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { findCaseByIdempotencyKey } from '../queries/case.queries';
import { Tx, transaction } from '../queries/database.queries';
import { findEngagement } from '../queries/engagement.queries';
import {
  EventRow,
  TeamRow,
  casesOfTeam,
  eventCaseOfYear,
  eventIdByKey,
  eventsOfTeam,
  findEvent,
  findTeam,
  findTeamByJurisdiction,
  insertEvent,
  insertEventCase,
  insertTeam,
  listEvents,
  linkTeamCase,
  listTeams,
  membersOfTeams,
  replaceEventTeams,
  replaceMembers,
  teamsAtEvent,
  updateEventRow,
  updateTeamRow,
} from '../queries/network.queries';
import { activeTopicsBySlug, findJurisdiction } from '../queries/reference.queries';
import { membersOf, validateEvent, validateEventAttendance, validateTeam, validateTraining } from '../schemas/network.schemas';
import {
  Actor,
  PROGRAM_FORMAT,
  ProgramContext,
  addProgramEngagement,
  attendanceOpen,
  deliverProgramEngagement,
  openProgramCase,
  rescheduleProgramEngagement,
} from './cohort-network-case.service';
import { directorOr403 } from './program-access';

/** NASBE's home: the jurisdiction of the yearly cases that hold the network's events. */
const NETWORK_EVENTS_JURISDICTION = 'DC';

/** The team, or 404. */
export async function teamOr404(id: number): Promise<TeamRow> {
  const team = await findTeam(id);
  if (!team) throw new NotFoundError('We could not find that team.');
  return team;
}

/** The event, or 404. */
export async function eventOr404(id: number): Promise<EventRow> {
  const event = await findEvent(id);
  if (!event) throw new NotFoundError('We could not find that event.');
  return event;
}

async function checkTeam(payload: unknown, existingId?: number) {
  const input = validateTeam(payload);
  const { members, errors } = membersOf(input);
  const same = await findTeamByJurisdiction(input.jurisdiction);
  if (same && same.id !== existingId)
    errors.unshift({ field: 'jurisdiction', message: `${same.jurisdiction_name} already has a team: edit that one instead` });
  if (errors.length) throw new ValidationError(errors);
  return { input, members };
}

const teamTaken = () => new ValidationError([{ field: 'jurisdiction', message: 'That state already has a team: edit that one instead' }]);

/** Registers a state team and its members (one team a jurisdiction). */
export async function createTeam(payload: unknown, actor: { id: number }): Promise<number> {
  await directorOr403(actor);
  const { input, members } = await checkTeam(payload);
  try {
    return await transaction(async (trx) => {
      const at = nowIso();
      const id = await insertTeam(trx, { jurisdiction_code: input.jurisdiction, created_at: at, updated_at: at });
      await replaceMembers(trx, id, members, at);
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw teamTaken();
    throw err;
  }
}

/** Changes a team's jurisdiction and members (the member rows are replaced as entered). */
export async function updateTeam(id: number, payload: unknown, actor: { id: number }): Promise<void> {
  await directorOr403(actor);
  await teamOr404(id);
  const { input, members } = await checkTeam(payload, id);
  try {
    await transaction(async (trx) => {
      const at = nowIso();
      await updateTeamRow(trx, id, { jurisdiction_code: input.jurisdiction, updated_at: at });
      await replaceMembers(trx, id, members, at);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw teamTaken();
    throw err;
  }
}

/** The network's events, newest first (directors). */
export async function eventList(actor: { id: number }) {
  await directorOr403(actor);
  return listEvents();
}

/** Every team with its members. */
export async function teamsWithMembers(actor: { id: number }) {
  await directorOr403(actor);
  const list = await listTeams();
  const members = await membersOfTeams(list.map((t) => t.id));
  return list.map((t) => ({ ...t, memberList: members.filter((m) => m.network_team_id === t.id) }));
}

/** A team's page: its members, the events it attended and its customized-training cases. */
export async function teamDetail(id: number, actor: { id: number }) {
  await directorOr403(actor);
  const team = await teamOr404(id);
  const [members, events, cases] = await Promise.all([membersOfTeams([id]), eventsOfTeam(id), casesOfTeam(id)]);
  return { team, members, events, cases };
}

/**
 * The case that holds a year's events, made the first time an event of that year is recorded
 * (with the reference taken first, as every case creation does).
 */
async function eventCaseFor(trx: Tx, year: number, actor: Actor, ctx: ProgramContext): Promise<number> {
  const known = await eventCaseOfYear(year, trx);
  if (known) return known;
  const { caseId } = await openProgramCase(
    trx,
    {
      track: 'network',
      jurisdiction: NETWORK_EVENTS_JURISDICTION,
      title: `State Policy Network events ${year}`,
      needs: `The State Policy Network's ${year} events: expert talks and peer-to-peer discussions attended by state teams.`,
      organizationName: 'National Association of State Boards of Education',
      preferredFormat: PROGRAM_FORMAT,
      lead: true,
    },
    actor,
    ctx,
  );
  const at = nowIso();
  await insertEventCase(trx, { year, case_id: caseId, created_at: at, updated_at: at });
  return caseId;
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/** Records a network event: a scheduled engagement on its year's case, until attendance is taken. */
export async function createEvent(payload: unknown, actor: Actor, ctx: ProgramContext): Promise<number> {
  await directorOr403(actor);
  const input = validateEvent(payload);
  const key = input.idempotency_key ?? null;
  // The same form sent again (a double click, a reload) gives back the event it recorded.
  const earlier = key ? await eventIdByKey(key) : undefined;
  if (earlier) return earlier;
  const write = () =>
    transaction(async (trx) => {
      const caseId = await eventCaseFor(trx, yearOf(input.date), actor, ctx);
      const engagementId = await addProgramEngagement(
        trx,
        caseId,
        { date: input.date, start_time: input.start_time ?? null, duration_minutes: input.duration_minutes },
        actor,
      );
      const at = nowIso();
      return insertEvent(trx, {
        engagement_id: engagementId,
        kind: input.kind,
        title: input.title.trim(),
        created_by_user_id: actor.id,
        idempotency_key: key,
        created_at: at,
        updated_at: at,
      });
    });
  try {
    return await write();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const raced = key ? await eventIdByKey(key) : undefined;
    if (raced) return raced;
    // Another director opened the year's case at the same moment: theirs is used.
    return write();
  }
}

/**
 * Changes an event's title, kind, day, time or length. Events stay on their year's case: a date
 * in another year is refused, and an event whose attendance was taken cannot move into the future.
 */
export async function updateEvent(id: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<void> {
  await directorOr403(actor);
  const event = await eventOr404(id);
  const input = validateEvent(payload);
  const errors: FieldError[] = [];
  if (yearOf(input.date) !== yearOf(event.date))
    errors.push({
      field: 'date',
      message: `Choose a date in ${yearOf(event.date)}: events are kept on their year's case. To move it to another year, cancel it and record a new one`,
    });
  else if (event.status === 'delivered' && !attendanceOpen(input.date, ctx))
    errors.push({ field: 'date', message: 'This event has its attendance taken: it cannot be moved into the future' });
  if (errors.length) throw new ValidationError(errors);
  const engagement = await findEngagement(event.engagement_id);
  if (!engagement) throw new NotFoundError('We could not find that event.');
  await transaction(async (trx) => {
    await rescheduleProgramEngagement(
      trx,
      engagement,
      { date: input.date, start_time: input.start_time ?? null, duration_minutes: input.duration_minutes },
      actor,
      ctx,
    );
    await updateEventRow(trx, id, { kind: input.kind, title: input.title.trim(), updated_at: nowIso() });
  });
}

/** Why attendance cannot be taken now, or undefined when it can. */
export function eventAttendanceRefusal(event: EventRow, teamCount: number, ctx: ProgramContext): string | undefined {
  if (event.status === 'cancelled') return 'This event was cancelled: there is no attendance to take.';
  if (!attendanceOpen(event.date, ctx)) return 'Attendance can be taken from the day of the event.';
  if (!teamCount) return 'No team is registered yet: register the state teams first.';
  return undefined;
}

/**
 * Marks the teams that attended an event. Its engagement becomes delivered, lists the teams'
 * jurisdictions, counts their members as participants and keeps them as its attendees.
 */
export async function takeEventAttendance(id: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<void> {
  await directorOr403(actor);
  const event = await eventOr404(id);
  const all = await listTeams();
  const refusal = eventAttendanceRefusal(event, all.length, ctx);
  if (refusal) throw new ConflictError(refusal);
  const input = validateEventAttendance(payload);
  const chosen = all.filter((t) => input.team_ids.includes(t.id));
  if (chosen.length !== input.team_ids.length) throw new ValidationError([{ field: 'team_ids', message: 'Choose teams from the list' }]);
  const members = await membersOfTeams(chosen.map((t) => t.id));
  const codeOf = new Map(chosen.map((t) => [t.id, t.jurisdiction_code]));
  const engagement = await findEngagement(event.engagement_id);
  if (!engagement) throw new NotFoundError('We could not find that event.');
  await transaction(async (trx) => {
    await replaceEventTeams(
      trx,
      id,
      chosen.map((t) => t.id),
      nowIso(),
    );
    await deliverProgramEngagement(
      trx,
      engagement,
      {
        attendees: members.map((m) => ({ name: m.name, role: m.role, jurisdiction: codeOf.get(m.network_team_id) as string })),
        jurisdictions: chosen.map((t) => t.jurisdiction_code),
        // Each team registered at least one member; a team counts at least once.
        participantCount: chosen.reduce((n, t) => n + Math.max(1, members.filter((m) => m.network_team_id === t.id).length), 0),
        summary: input.summary,
      },
      actor,
      ctx,
    );
  });
}

/** The event's page: its attending teams among all teams. */
export async function eventDetail(id: number, actor: { id: number }) {
  await directorOr403(actor);
  const event = await eventOr404(id);
  const [attending, teams] = await Promise.all([teamsAtEvent(id), listTeams()]);
  return { event, attending, teams };
}

/**
 * Opens a customized-training case for one team: an ordinary network-track case for the team's
 * jurisdiction, new (it goes to triage and is assigned like any other), remembered as the team's.
 * A repeated submission key gives back the same case.
 */
export async function openTraining(teamId: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<number> {
  await directorOr403(actor);
  const team = await teamOr404(teamId);
  const input = validateTraining(payload);
  const topics = await activeTopicsBySlug(input.topics);
  const errors: FieldError[] = [];
  if (topics.length !== input.topics.length) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.preferred_start && input.deadline && input.deadline < input.preferred_start)
    errors.push({ field: 'deadline', message: 'Deadline must be on or after the preferred start date' });
  if (errors.length) throw new ValidationError(errors);
  const key = input.idempotency_key ? `network-training:${input.idempotency_key}` : null;
  const replay = async () => (key ? (await findCaseByIdempotencyKey(key))?.id : undefined);
  const earlier = await replay();
  if (earlier) return Number(earlier);
  const jurisdiction = await findJurisdiction(team.jurisdiction_code);
  try {
    return await transaction(async (trx) => {
      const { caseId } = await openProgramCase(
        trx,
        {
          track: 'network',
          jurisdiction: team.jurisdiction_code,
          title: input.title.trim(),
          needs: input.needs.trim(),
          organizationName: `${jurisdiction?.name ?? team.jurisdiction_code} State Policy Network team`,
          preferredFormat: input.preferred_format,
          lead: false,
          topicIds: topics.map((t) => t.id),
          topics: input.topics,
          preferredStart: input.preferred_start ?? null,
          deadline: input.deadline ?? null,
          idempotencyKey: key,
        },
        actor,
        ctx,
      );
      const at = nowIso();
      await linkTeamCase(trx, { network_team_id: teamId, case_id: caseId, created_at: at, updated_at: at });
      return caseId;
    });
  } catch (err) {
    const raced = isUniqueViolation(err) ? await replay() : undefined;
    if (raced) return Number(raced);
    throw err;
  }
}
