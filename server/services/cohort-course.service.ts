import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { rosterOf } from '../queries/application.queries';
import {
  MeetingRow,
  findAssignment,
  findAssignmentByKey,
  insertAssignment,
  meetingsOfCohort,
  presentAt,
  saveAttendance,
  saveCompletions,
} from '../queries/cohort.queries';
import { findEngagement } from '../queries/engagement.queries';
import { attendanceSchema, validateAssignment, validateAttendance, validateCompletion } from '../schemas/cohort.schemas';
import { formToPayload } from '../schemas/validate';
import { transaction } from '../queries/database.queries';
import { ATTENDANCE } from '../vocabulary';
import { Actor, ProgramContext, attendanceOpen, deliverProgramEngagement } from './cohort-network-case.service';
import { cohortOr404 } from './cohort.service';
import { directorOr403 } from './program-access';

/*
 * The course as it runs, once the cohort is set up (cohort.service.ts): attendance taken at each
 * meeting, and the assignments with who completed them.
 */

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
