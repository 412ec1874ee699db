// Cohorts for the program tests: the cohort form as a browser posts it, cohorts made through the
// service (with their case and meeting engagements), and attendance taken at a meeting.
import type { Knex } from 'knex';
import { takeAttendance } from '../../server/services/cohort-course.service';
import { createCohort } from '../../server/services/cohort.service';
import { TestUser, makeUser } from './auth';
import { CTX, Fields, actor, daysFromToday, today, unique } from './programs';

export interface MeetingPlan {
  date: string;
  start_time?: string;
  duration_minutes?: number;
  mode?: 'virtual' | 'in_person';
  place?: string;
}

/** The cohort form's fields: an open window (a week ago to a month ahead) and the meetings given. */
export function cohortForm(overrides: Fields = {}, meetings: MeetingPlan[] = [{ date: daysFromToday(-3) }]): Fields {
  const form: Fields = {
    year: today().slice(0, 4),
    name: unique('Cohort'),
    description: 'Board members from every region.',
    opens_on: daysFromToday(-7),
    closes_on: daysFromToday(30),
  };
  for (let n = 1; n <= 4; n += 1) {
    const m = meetings[n - 1];
    form[`meeting_${n}_date`] = m?.date ?? '';
    form[`meeting_${n}_start_time`] = m?.start_time ?? '';
    form[`meeting_${n}_duration_minutes`] = String(m?.duration_minutes ?? 90);
    form[`meeting_${n}_mode`] = m ? (m.mode ?? 'virtual') : '';
    form[`meeting_${n}_place`] = m ? (m.place ?? (m.mode === 'in_person' ? 'NASBE, Alexandria, Virginia' : 'Zoom')) : '';
  }
  return { ...form, ...overrides };
}

/** The same fields as the service takes them (blank ones left out, numbers as numbers). */
function cohortPayload(form: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined || v === '') continue;
    out[k] = /^(year|meeting_\d_duration_minutes)$/.test(k) ? Number(v) : v;
  }
  return out;
}

export interface TestCohort {
  id: number;
  caseId: number;
  name: string;
  meetings: { id: number; number: number; engagement_id: number; date: string }[];
}

/** A cohort made through the service by a director (made if not given). */
export async function makeCohort(
  knex: Knex,
  options: { director?: TestUser; form?: Fields; meetings?: MeetingPlan[] } = {},
): Promise<TestCohort> {
  const director = options.director ?? (await makeUser({ role: 'director' }));
  const form = cohortForm(options.form, options.meetings);
  const id = await createCohort(cohortPayload(form), actor(director), CTX);
  const row = await knex('cohorts').where({ id }).first();
  const meetings = await knex('cohort_meetings as m')
    .join('engagements as e', 'e.id', 'm.engagement_id')
    .where('m.cohort_id', id)
    .orderBy('m.number')
    .select('m.id', 'm.number', 'm.engagement_id', 'e.date');
  return {
    id,
    caseId: Number(row.case_id),
    name: String(row.name),
    meetings: meetings.map((m: Record<string, unknown>) => ({
      id: Number(m.id),
      number: Number(m.number),
      engagement_id: Number(m.engagement_id),
      date: String(m.date),
    })),
  };
}

/** Attendance taken through the service: marks by application id, every roster member given. */
export async function attendAs(
  director: TestUser,
  cohortId: number,
  meetingId: number,
  marks: Record<number, 'present' | 'excused' | 'absent'>,
  summary = 'Discussed the readings.',
): Promise<void> {
  const body: Record<string, unknown> = { summary };
  for (const [id, status] of Object.entries(marks)) body[`attendance_${id}`] = status;
  await takeAttendance(cohortId, meetingId, body, actor(director), CTX);
}
