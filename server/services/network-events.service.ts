import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { Tx, transaction } from '../queries/database.queries';
import { findEngagement } from '../queries/engagement.queries';
import {
  EventRow,
  eventCaseOfYear,
  eventIdByKey,
  findEvent,
  insertEvent,
  insertEventCase,
  listEvents,
  listTeams,
  membersOfTeams,
  replaceEventTeams,
  teamsAtEvent,
  updateEventRow,
} from '../queries/network.queries';
import { validateEvent, validateEventAttendance } from '../schemas/network.schemas';
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

/*
 * The State Policy Network's events: each a meeting on its year's case, recorded, changed, and
 * delivered when the attending teams are marked. The teams themselves are in network.service.ts.
 */

/** NASBE's home: the jurisdiction of the yearly cases that hold the network's events. */
const NETWORK_EVENTS_JURISDICTION = 'DC';

/** The event, or 404. */
export async function eventOr404(id: number): Promise<EventRow> {
  const event = await findEvent(id);
  if (!event) throw new NotFoundError('We could not find that event.');
  return event;
}

/** The network's events, newest first (directors). */
export async function eventList(actor: { id: number }) {
  await directorOr403(actor);
  return listEvents();
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
