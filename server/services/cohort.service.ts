import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { rosterOf } from '../queries/application.queries';
import { findCaseById, updateCase } from '../queries/case.queries';
import {
  CohortRow,
  MeetingRow,
  assignmentsOfCohort,
  attendanceOfCohort,
  completionsOfCohort,
  findAssignment,
  findAssignmentByKey,
  findCohort,
  findCohortByKey,
  findCohortByName,
  listCohorts,
  openCohorts,
  insertAssignment,
  insertCohort,
  insertMeeting,
  lockCohort,
  meetingsOfCohort,
  presentAt,
  saveAttendance,
  saveCompletions,
  updateCohortRow,
  updateMeeting,
} from '../queries/cohort.queries';
import { findEngagement } from '../queries/engagement.queries';
import {
  CohortInput,
  MeetingInput,
  attendanceSchema,
  meetingsOf,
  validateAssignment,
  validateAttendance,
  validateCohort,
  validateCompletion,
} from '../schemas/cohort.schemas';
import { formToPayload } from '../schemas/validate';
import { transaction } from '../queries/database.queries';
import { ATTENDANCE } from '../vocabulary';
import {
  Actor,
  PROGRAM_FORMAT,
  ProgramContext,
  addProgramEngagement,
  attendanceOpen,
  deliverProgramEngagement,
  openProgramCase,
  removeProgramEngagement,
  rescheduleProgramEngagement,
} from './cohort-network-case.service';
import { recordEvent } from './events.service';
import { courseProgress } from './cohort-progress';
import { directorOr403, isDirector } from './program-access';

/** NASBE's home: the jurisdiction of the case that holds a cohort's meetings. */
const COHORT_CASE_JURISDICTION = 'DC';

const caseTitle = (c: { year: number; name: string }) => `National Cohort ${c.year}: ${c.name}`;

/** The cohort, or 404. */
export async function cohortOr404(id: number): Promise<CohortRow> {
  const cohort = await findCohort(id);
  if (!cohort) throw new NotFoundError('We could not find that cohort.');
  return cohort;
}

/**
 * The cohorts page: the cohorts taking applications today, for anyone; every cohort (with its
 * counts) too, for a director only.
 */
export async function cohortsPage(today: string, user?: { id: number }) {
  const all = user && (await isDirector(user)) ? await listCohorts() : [];
  return { open: await openCohorts(today), all };
}

/** A cohort's meetings that take place (not cancelled), for applicants and participants. */
export async function meetingsHeld(cohortId: number): Promise<MeetingRow[]> {
  return (await meetingsOfCohort(cohortId)).filter((m) => m.status !== 'cancelled');
}

/** True while the cohort takes applications (both days of the window included). */
export function windowOpen(cohort: Pick<CohortRow, 'opens_on' | 'closes_on'>, today: string): boolean {
  return cohort.opens_on <= today && today <= cohort.closes_on;
}

/** The schema, then the rules across fields and the database: the year's names are unique. */
async function checkCohort(payload: unknown, existingId?: number): Promise<{ input: CohortInput; meetings: MeetingInput[] }> {
  const input = validateCohort(payload);
  const { meetings, errors } = meetingsOf(input);
  if (input.closes_on < input.opens_on)
    errors.unshift({ field: 'closes_on', message: 'The date applications close must be on or after the date they open' });
  const same = await findCohortByName(input.year, input.name.trim());
  if (same && same.id !== existingId)
    errors.unshift({ field: 'name', message: `There is already a cohort named “${input.name.trim()}” in ${input.year}` });
  if (errors.length) throw new ValidationError(errors);
  return { input, meetings };
}

const nameTaken = (input: CohortInput) =>
  new ValidationError([{ field: 'name', message: `There is already a cohort named “${input.name.trim()}” in ${input.year}` }]);
const whenOf = (m: MeetingInput) => ({ date: m.date, start_time: m.start_time, duration_minutes: m.duration_minutes });

/**
 * Opens a cohort: its case (track cohort, assigned to the director), the cohort and one scheduled
 * engagement for each meeting, in one transaction.
 */
export async function createCohort(payload: unknown, actor: Actor, ctx: ProgramContext): Promise<number> {
  await directorOr403(actor);
  const key = (payload as { idempotency_key?: unknown } | null)?.idempotency_key;
  // The same form sent again (a double click, a reload) gives back the cohort it opened.
  const earlier = typeof key === 'string' ? await findCohortByKey(key) : undefined;
  if (earlier) return earlier.id;
  const { input, meetings } = await checkCohort(payload);
  try {
    return await transaction(async (trx) => {
      const { caseId } = await openProgramCase(
        trx,
        {
          track: 'cohort',
          jurisdiction: COHORT_CASE_JURISDICTION,
          title: caseTitle({ year: input.year, name: input.name.trim() }),
          needs:
            input.description?.trim() ||
            `The ${input.year} National Cohort: an eight-week course for board members, with its meetings, assignments and selection from applications.`,
          organizationName: 'National Association of State Boards of Education',
          preferredFormat: PROGRAM_FORMAT,
          lead: true,
        },
        actor,
        ctx,
      );
      const at = nowIso();
      const cohortId = await insertCohort(trx, {
        case_id: caseId,
        year: input.year,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        created_by_user_id: actor.id,
        idempotency_key: input.idempotency_key ?? null,
        created_at: at,
        updated_at: at,
      });
      for (const m of meetings) {
        const engagementId = await addProgramEngagement(trx, caseId, whenOf(m), actor);
        await insertMeeting(trx, {
          cohort_id: cohortId,
          number: m.number,
          engagement_id: engagementId,
          mode: m.mode,
          place: m.place,
          created_at: at,
          updated_at: at,
        });
      }
      return cohortId;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const raced = input.idempotency_key ? await findCohortByKey(input.idempotency_key) : undefined;
    if (raced) return raced.id;
    throw nameTaken(input);
  }
}

/**
 * Changes a cohort and its meetings. A meeting whose attendance was taken cannot be removed, nor
 * moved into the future; a cleared slot removes a meeting that has not taken place.
 */
export async function updateCohort(cohortId: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<void> {
  await directorOr403(actor);
  const cohort = await cohortOr404(cohortId);
  const { input, meetings } = await checkCohort(payload, cohortId);
  try {
    await transaction(async (trx) => {
      // The meetings and their attendance are read inside the transaction, the cohort locked, so
      // that attendance taken meanwhile (on another instance) is not overwritten by this edit.
      await lockCohort(trx, cohortId);
      const existing = await meetingsOfCohort(cohortId, trx);
      const errors: FieldError[] = [];
      for (const old of existing.filter((m) => m.status === 'delivered')) {
        const next = meetings.find((m) => m.number === old.number);
        if (!next)
          errors.push({
            field: `meeting_${old.number}_date`,
            message: `Meeting ${old.number} has its attendance taken: it cannot be removed`,
          });
        else if (!attendanceOpen(next.date, ctx))
          errors.push({
            field: `meeting_${old.number}_date`,
            message: `Meeting ${old.number} has its attendance taken: it cannot be moved into the future`,
          });
      }
      if (errors.length) throw new ValidationError(errors);
      const engagements = new Map<number, Awaited<ReturnType<typeof findEngagement>>>();
      for (const m of existing) engagements.set(m.id, await findEngagement(m.engagement_id, trx));
      const at = nowIso();
      const name = input.name.trim();
      await updateCohortRow(trx, cohortId, {
        year: input.year,
        name,
        description: input.description?.trim() || null,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        updated_at: at,
      });
      const kase = await findCaseById(cohort.case_id, trx);
      const title = caseTitle({ year: input.year, name });
      if (kase && kase.title !== title) {
        await updateCase(trx, kase.id, { title, updated_at: at });
        await recordEvent(trx, {
          case_id: kase.id,
          actor_user_id: actor.id,
          actor_kind: 'staff',
          kind: 'case.updated',
          before: { title: kase.title },
          after: { title },
          created_at: at,
        });
      }
      for (const old of existing) {
        const engagement = engagements.get(old.id);
        if (!engagement) continue;
        const next = meetings.find((m) => m.number === old.number);
        if (!next) {
          await removeProgramEngagement(trx, engagement, actor);
          continue;
        }
        await rescheduleProgramEngagement(trx, engagement, whenOf(next), actor, ctx);
        if (next.mode !== old.mode || next.place !== old.place)
          await updateMeeting(trx, old.id, { mode: next.mode, place: next.place, updated_at: at });
      }
      for (const m of meetings.filter((x) => !existing.some((old) => old.number === x.number))) {
        const engagementId = await addProgramEngagement(trx, cohort.case_id, whenOf(m), actor);
        await insertMeeting(trx, {
          cohort_id: cohortId,
          number: m.number,
          engagement_id: engagementId,
          mode: m.mode,
          place: m.place,
          created_at: at,
          updated_at: at,
        });
      }
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input);
    throw err;
  }
}

/** Everything the director's cohort page shows: meetings, roster with progress, assignments (directors). */
export async function cohortDetail(cohortId: number, actor: { id: number }) {
  await directorOr403(actor);
  const cohort = await cohortOr404(cohortId);
  const [meetings, roster, attendance, assignments, completions] = await Promise.all([
    meetingsOfCohort(cohortId),
    rosterOf(cohortId),
    attendanceOfCohort(cohortId),
    assignmentsOfCohort(cohortId),
    completionsOfCohort(cohortId),
  ]);
  const progress = courseProgress(meetings, roster, attendance, assignments, completions);
  return { cohort, meetings, roster, attendance, assignments, completions, progress };
}

/** The meeting of this cohort, or 404. */
export async function meetingOr404(cohortId: number, meetingId: number): Promise<MeetingRow> {
  const meeting = (await meetingsOfCohort(cohortId)).find((m) => m.id === meetingId);
  if (!meeting) throw new NotFoundError('We could not find that meeting.');
  return meeting;
}

/** Why attendance cannot be taken now, or undefined when it can. */
export function attendanceRefusal(meeting: MeetingRow, rosterSize: number, ctx: ProgramContext): string | undefined {
  if (meeting.status === 'cancelled') return 'This meeting was cancelled: there is no attendance to take.';
  if (!attendanceOpen(meeting.date, ctx)) return 'Attendance can be taken from the day of the meeting.';
  if (!rosterSize) return 'Nobody is on the roster yet: select applicants before taking attendance.';
  return undefined;
}

/**
 * Takes a meeting's attendance: one mark for each participant of the roster (form fields
 * `attendance_<application id>`). The meeting's engagement becomes delivered, listing the
 * jurisdictions of those present and counting them; at least one must be present.
 */
export async function takeAttendance(
  cohortId: number,
  meetingId: number,
  body: Record<string, unknown>,
  actor: Actor,
  ctx: ProgramContext,
): Promise<void> {
  await directorOr403(actor);
  await cohortOr404(cohortId);
  const meeting = await meetingOr404(cohortId, meetingId);
  const roster = await rosterOf(cohortId);
  const refusal = attendanceRefusal(meeting, roster.length, ctx);
  if (refusal) throw new ConflictError(refusal);
  const marks = roster.map((p) => ({ application_id: p.id, name: p.name, status: String(body[`attendance_${p.id}`] ?? '') }));
  const errors: FieldError[] = marks
    .filter((m) => !(m.status in ATTENDANCE))
    .map((m) => ({ field: `attendance_${m.application_id}`, message: `Choose present, excused or absent for ${m.name}` }));
  let summary = '';
  try {
    summary = validateAttendance(formToPayload(body, attendanceSchema)).summary;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.push(...err.errors);
  }
  if (!errors.length && !marks.some((m) => m.status === 'present'))
    errors.push({
      field: 'attendance',
      message: 'Mark at least one participant present: a meeting is delivered only when someone attended',
    });
  if (errors.length) throw new ValidationError(errors);
  const engagement = await findEngagement(meeting.engagement_id);
  if (!engagement) throw new NotFoundError('We could not find that meeting.');
  await transaction(async (trx) => {
    const at = nowIso();
    await saveAttendance(trx, meetingId, marks, actor.id, at);
    const present = await presentAt(meetingId, trx);
    await deliverProgramEngagement(
      trx,
      engagement,
      {
        attendees: present.map((p) => ({ name: p.name, role: p.board_role, jurisdiction: p.jurisdiction_code })),
        jurisdictions: present.map((p) => p.jurisdiction_code),
        participantCount: present.length,
        summary,
      },
      actor,
      ctx,
    );
  });
}

/** Adds an assignment to a cohort (directors); the same form sent again adds it once. */
export async function addAssignment(cohortId: number, payload: unknown, actor: { id: number }): Promise<number> {
  await directorOr403(actor);
  await cohortOr404(cohortId);
  const input = validateAssignment(payload);
  const key = input.idempotency_key ?? null;
  const earlier = key ? await findAssignmentByKey(key) : undefined;
  if (earlier) return earlier.id;
  const at = nowIso();
  try {
    return await transaction((trx) =>
      insertAssignment(trx, {
        cohort_id: cohortId,
        title: input.title.trim(),
        due_on: input.due_on,
        idempotency_key: key,
        created_at: at,
        updated_at: at,
      }),
    );
  } catch (err) {
    const raced = key && isUniqueViolation(err) ? await findAssignmentByKey(key) : undefined;
    if (raced) return raced.id;
    throw err;
  }
}

/** The assignment of this cohort, or 404. */
export async function assignmentOr404(cohortId: number, assignmentId: number) {
  const assignment = await findAssignment(assignmentId);
  if (!assignment || assignment.cohort_id !== cohortId) throw new NotFoundError('We could not find that assignment.');
  return assignment;
}

/** Records who on the roster completed an assignment: exactly the participants checked. */
export async function recordCompletions(cohortId: number, assignmentId: number, payload: unknown, actor: Actor): Promise<void> {
  await directorOr403(actor);
  await cohortOr404(cohortId);
  await assignmentOr404(cohortId, assignmentId);
  const input = validateCompletion(payload);
  const roster = (await rosterOf(cohortId)).map((p) => p.id);
  const done = input.completed ?? [];
  if (done.some((id) => !roster.includes(id)))
    throw new ValidationError([{ field: 'completed', message: 'Choose participants from the roster' }]);
  await transaction((trx) => saveCompletions(trx, assignmentId, roster, done, actor.id, nowIso()));
}
