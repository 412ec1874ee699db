import { Queryable, reads } from '../db';
import { forUpdate } from '../db-sql';
import { num } from '../values';
import { isId } from '../ids';

export interface CohortRow {
  id: number;
  case_id: number;
  year: number;
  name: string;
  description: string | null;
  opens_on: string;
  closes_on: string;
  created_by_user_id: number | null;
  idempotency_key?: string | null;
  created_at: string | Date;
  updated_at: string | Date;
}

/** A meeting with what its engagement holds (date, time, length, status, notes). */
export interface MeetingRow {
  id: number;
  cohort_id: number;
  number: number;
  engagement_id: number;
  mode: string;
  place: string | null;
  date: string;
  start_time: string | null;
  duration_minutes: number;
  status: string;
  participant_count: number;
  summary: string | null;
}

interface AssignmentRow {
  id: number;
  cohort_id: number;
  title: string;
  due_on: string;
}

const cohortOf = (r: CohortRow): CohortRow => ({ ...r, id: Number(r.id), case_id: Number(r.case_id), year: num(r.year) });

export async function insertCohort(q: Queryable, row: Omit<CohortRow, 'id'>): Promise<number> {
  const [inserted] = await q('cohorts').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function updateCohortRow(q: Queryable, id: number, changes: Partial<CohortRow>): Promise<void> {
  await q('cohorts').where({ id }).update(changes);
}

/** The cohort, its row locked until the transaction ends (on PostgreSQL): edits of one cohort take turns. */
export async function lockCohort(trx: Queryable, id: number): Promise<CohortRow | undefined> {
  return forUpdate(trx('cohorts').where({ id })).first();
}

export async function findCohort(id: number, q: Queryable = reads): Promise<CohortRow | undefined> {
  if (!isId(id)) return undefined;
  const row = await q('cohorts').where({ id }).first();
  return row ? cohortOf(row) : undefined;
}

/** The cohort with this year and name, if any (names are unique within a year). */
export async function findCohortByName(year: number, name: string, q: Queryable = reads): Promise<CohortRow | undefined> {
  const row = await q('cohorts').where({ year, name }).first();
  return row ? cohortOf(row) : undefined;
}

/** The cohort a form with this submission key created, if any. */
export async function findCohortByKey(key: string, q: Queryable = reads): Promise<CohortRow | undefined> {
  const row = await q('cohorts').where({ idempotency_key: key }).first();
  return row ? cohortOf(row) : undefined;
}

/** Every cohort, newest first, with its application and roster counts. */
export async function listCohorts(q: Queryable = reads): Promise<(CohortRow & { applications: number; selected: number })[]> {
  const rows = await q('cohorts as k')
    .leftJoin('applications as a', 'a.cohort_id', 'k.id')
    .groupBy('k.id')
    .select(
      'k.*',
      q.raw('count(a.id) as applications'),
      q.raw("coalesce(sum(case when a.decision = 'selected' then 1 else 0 end), 0) as selected"),
    )
    .orderBy([
      { column: 'k.year', order: 'desc' },
      { column: 'k.opens_on', order: 'desc' },
      { column: 'k.id', order: 'desc' },
    ]);
  return rows.map((r: CohortRow & { applications: unknown; selected: unknown }) => ({
    ...cohortOf(r),
    applications: num(r.applications),
    selected: num(r.selected),
  }));
}

/** Cohorts whose application window includes `today` (YYYY-MM-DD), closing soonest first. */
export async function openCohorts(today: string, q: Queryable = reads): Promise<CohortRow[]> {
  const rows = await q('cohorts').where('opens_on', '<=', today).andWhere('closes_on', '>=', today).orderBy('closes_on').orderBy('id');
  return rows.map(cohortOf);
}

export async function insertMeeting(
  q: Queryable,
  row: {
    cohort_id: number;
    number: number;
    engagement_id: number;
    mode: string;
    place: string | null;
    created_at: string;
    updated_at: string;
  },
): Promise<void> {
  await q('cohort_meetings').insert(row);
}

export async function updateMeeting(
  q: Queryable,
  id: number,
  changes: { mode: string; place: string | null; updated_at: string },
): Promise<void> {
  await q('cohort_meetings').where({ id }).update(changes);
}

/** A cohort's meetings in number order, with their engagements' fields. */
export async function meetingsOfCohort(cohortId: number, q: Queryable = reads): Promise<MeetingRow[]> {
  const rows = await q('cohort_meetings as m')
    .join('engagements as e', 'e.id', 'm.engagement_id')
    .where('m.cohort_id', cohortId)
    .orderBy('m.number')
    .select(
      'm.id',
      'm.cohort_id',
      'm.number',
      'm.engagement_id',
      'm.mode',
      'm.place',
      'e.date',
      'e.start_time',
      'e.duration_minutes',
      'e.status',
      'e.participant_count',
      'e.summary',
    );
  return rows.map((r: MeetingRow) => ({
    ...r,
    id: Number(r.id),
    cohort_id: Number(r.cohort_id),
    number: num(r.number),
    engagement_id: Number(r.engagement_id),
    duration_minutes: num(r.duration_minutes),
    participant_count: num(r.participant_count),
  }));
}

/** Every attendance mark of a cohort's meetings. */
export async function attendanceOfCohort(
  cohortId: number,
  q: Queryable = reads,
): Promise<{ meeting_id: number; application_id: number; status: string }[]> {
  const rows = await q('meeting_attendances as t')
    .join('cohort_meetings as m', 'm.id', 't.cohort_meeting_id')
    .where('m.cohort_id', cohortId)
    .select('t.cohort_meeting_id', 't.application_id', 't.status');
  return rows.map((r: Record<string, unknown>) => ({
    meeting_id: Number(r.cohort_meeting_id),
    application_id: Number(r.application_id),
    status: String(r.status),
  }));
}

/** Sets the marks of these participants at a meeting (other participants' marks stay as they are). */
export async function saveAttendance(
  q: Queryable,
  meetingId: number,
  marks: { application_id: number; status: string }[],
  userId: number,
  at: string,
): Promise<void> {
  if (!marks.length) return;
  await q('meeting_attendances')
    .where({ cohort_meeting_id: meetingId })
    .whereIn(
      'application_id',
      marks.map((m) => m.application_id),
    )
    .delete();
  await q('meeting_attendances').insert(
    marks.map((m) => ({
      cohort_meeting_id: meetingId,
      application_id: m.application_id,
      status: m.status,
      recorded_by_user_id: userId,
      created_at: at,
      updated_at: at,
    })),
  );
}

/** Everyone marked present at a meeting, with what the engagement's attendee list keeps of them. */
export async function presentAt(
  meetingId: number,
  q: Queryable = reads,
): Promise<{ id: number; name: string; board_role: string; jurisdiction_code: string }[]> {
  const rows = await q('meeting_attendances as t')
    .join('applications as a', 'a.id', 't.application_id')
    .where({ 't.cohort_meeting_id': meetingId, 't.status': 'present' })
    .orderBy('a.name')
    .orderBy('a.id')
    .select('a.id', 'a.name', 'a.board_role', 'a.jurisdiction_code');
  return rows.map((r: { id: unknown; name: string; board_role: string; jurisdiction_code: string }) => ({ ...r, id: Number(r.id) }));
}

/** The assignment a form with this submission key added, if any. */
export async function findAssignmentByKey(key: string, q: Queryable = reads): Promise<AssignmentRow | undefined> {
  const row = await q('cohort_assignments').where({ idempotency_key: key }).first('id', 'cohort_id', 'title', 'due_on');
  return row ? { ...row, id: Number(row.id), cohort_id: Number(row.cohort_id) } : undefined;
}

export async function insertAssignment(
  q: Queryable,
  row: { cohort_id: number; title: string; due_on: string; idempotency_key: string | null; created_at: string; updated_at: string },
): Promise<number> {
  const [inserted] = await q('cohort_assignments').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

/** A cohort's assignments by due date. */
export async function assignmentsOfCohort(cohortId: number, q: Queryable = reads): Promise<AssignmentRow[]> {
  const rows = await q('cohort_assignments')
    .where({ cohort_id: cohortId })
    .orderBy('due_on')
    .orderBy('id')
    .select('id', 'cohort_id', 'title', 'due_on');
  return rows.map((r: AssignmentRow) => ({ ...r, id: Number(r.id), cohort_id: Number(r.cohort_id) }));
}

export async function findAssignment(id: number, q: Queryable = reads): Promise<AssignmentRow | undefined> {
  const row = await q('cohort_assignments').where({ id }).first('id', 'cohort_id', 'title', 'due_on');
  return row ? { ...row, id: Number(row.id), cohort_id: Number(row.cohort_id) } : undefined;
}

/** Which participants completed which of a cohort's assignments. */
export async function completionsOfCohort(
  cohortId: number,
  q: Queryable = reads,
): Promise<{ assignment_id: number; application_id: number }[]> {
  const rows = await q('assignment_completions as c')
    .join('cohort_assignments as s', 's.id', 'c.cohort_assignment_id')
    .where('s.cohort_id', cohortId)
    .select('c.cohort_assignment_id', 'c.application_id');
  return rows.map((r: Record<string, unknown>) => ({
    assignment_id: Number(r.cohort_assignment_id),
    application_id: Number(r.application_id),
  }));
}

/** Sets, among `among` (the roster), who completed an assignment: exactly `done`. */
export async function saveCompletions(
  q: Queryable,
  assignmentId: number,
  among: number[],
  done: number[],
  userId: number,
  at: string,
): Promise<void> {
  if (among.length)
    await q('assignment_completions').where({ cohort_assignment_id: assignmentId }).whereIn('application_id', among).delete();
  if (done.length)
    await q('assignment_completions').insert(
      done.map((application_id) => ({
        cohort_assignment_id: assignmentId,
        application_id,
        recorded_by_user_id: userId,
        created_at: at,
        updated_at: at,
      })),
    );
}
