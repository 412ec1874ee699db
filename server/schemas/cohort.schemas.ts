import { ID_SCHEMA } from '../ids';
import { MEETING_MODES, MeetingMode } from '../vocabulary';
import { compile } from './validate';

/** A cohort holds at most this many meetings (the course has four). */
const MAX_MEETINGS = 4;
export const MEETING_NUMBERS = Array.from({ length: MAX_MEETINGS }, (_, i) => i + 1);

const text = (title: string, maxLength: number) => ({ type: 'string', title, maxLength, pattern: '\\S' }) as const;
const TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** A form's schema: an object of these fields and no other, the required ones listed. */
export const formSchema = <P extends object, R extends readonly string[]>($id: string, required: R, properties: P) =>
  ({ $id, type: 'object', additionalProperties: false, required, properties }) as const;

/** The hidden submission key of a form that creates something: sent twice, it creates one. */
export const submissionKey = {
  type: 'string',
  title: 'Submission key',
  minLength: 8,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_-]+$',
} as const;

/** The fields of meeting slot `n` (1-4) on the cohort form, named `meeting_<n>_<field>`. */
function meetingFields(n: number) {
  return {
    [`meeting_${n}_date`]: { type: 'string', title: `Meeting ${n}'s date`, format: 'date' },
    [`meeting_${n}_start_time`]: { type: 'string', title: `Meeting ${n}'s start time`, pattern: TIME },
    [`meeting_${n}_duration_minutes`]: { type: 'integer', title: `Meeting ${n}'s duration in minutes`, minimum: 5, maximum: 600 },
    [`meeting_${n}_mode`]: { type: 'string', title: `Whether meeting ${n} is virtual or in person`, enum: Object.keys(MEETING_MODES) },
    [`meeting_${n}_place`]: { type: 'string', title: `Meeting ${n}'s place`, maxLength: 200 },
  };
}

/** A cohort as the directors' form sends it (create and edit); meeting slots are read by `meetingsOf`. */
export interface CohortInput {
  year: number;
  name: string;
  description?: string;
  opens_on: string;
  closes_on: string;
  idempotency_key?: string;
  [meetingField: string]: unknown;
}

export const cohortSchema = {
  $id: 'cohort.save',
  type: 'object',
  additionalProperties: false,
  required: ['year', 'name', 'opens_on', 'closes_on'],
  properties: {
    year: { type: 'integer', title: 'Year', minimum: 2017, maximum: 2100 },
    name: text('Name of the cohort', 120),
    description: { type: 'string', title: 'Description', maxLength: 2000 },
    opens_on: { type: 'string', title: 'The date applications open', format: 'date' },
    closes_on: { type: 'string', title: 'The date applications close', format: 'date' },
    idempotency_key: submissionKey,
    ...Object.assign({}, ...MEETING_NUMBERS.map(meetingFields)),
  },
};
export const validateCohort = compile<CohortInput>(cohortSchema);

export interface MeetingInput {
  number: number;
  date: string;
  start_time: string | null;
  duration_minutes: number;
  mode: MeetingMode;
  place: string | null;
}

/** The meeting slots of a valid cohort payload that are in use (a date given), with their own problems. */
export function meetingsOf(input: CohortInput): { meetings: MeetingInput[]; errors: { field: string; message: string }[] } {
  const meetings: MeetingInput[] = [];
  const errors: { field: string; message: string }[] = [];
  for (const n of MEETING_NUMBERS) {
    const get = (f: string) => input[`meeting_${n}_${f}`] as string | number | undefined;
    const place = typeof get('place') === 'string' ? String(get('place')).trim() : '';
    if (!get('date')) {
      // The duration is filled in for every slot; any other field means a meeting was meant.
      if (get('start_time') || get('mode') || place)
        errors.push({ field: `meeting_${n}_date`, message: `Enter meeting ${n}'s date, or clear its other fields to leave it out` });
      continue;
    }
    if (get('duration_minutes') === undefined)
      errors.push({ field: `meeting_${n}_duration_minutes`, message: `Enter meeting ${n}'s duration in minutes` });
    if (!get('mode')) errors.push({ field: `meeting_${n}_mode`, message: `Choose whether meeting ${n} is virtual or in person` });
    if (get('mode') === 'in_person' && !place)
      errors.push({ field: `meeting_${n}_place`, message: `Enter meeting ${n}'s place: an in-person meeting needs one` });
    meetings.push({
      number: n,
      date: String(get('date')),
      start_time: (get('start_time') as string | undefined) ?? null,
      duration_minutes: Number(get('duration_minutes') ?? 0),
      mode: (get('mode') ?? 'virtual') as MeetingMode,
      place: place || null,
    });
  }
  return { meetings, errors };
}

interface AttendanceInput {
  summary: string;
}
/** Taking a meeting's attendance: the notes; each participant's mark is read by the service. */
export const attendanceSchema = {
  $id: 'cohort.attendance',
  type: 'object',
  additionalProperties: false,
  required: ['summary'],
  properties: { summary: text('Summary notes', 10000) },
} as const;
export const validateAttendance = compile<AttendanceInput>(attendanceSchema);

interface AssignmentInput {
  title: string;
  due_on: string;
  idempotency_key?: string;
}
export const assignmentSchema = formSchema('cohort.assignment', ['title', 'due_on'], {
  title: text('Title of the assignment', 200),
  due_on: { type: 'string', title: 'Due date', format: 'date' },
  idempotency_key: submissionKey,
} as const);
export const validateAssignment = compile<AssignmentInput>(assignmentSchema);

interface CompletionInput {
  completed?: number[];
}
export const completionSchema = {
  $id: 'cohort.completion',
  type: 'object',
  additionalProperties: false,
  properties: {
    completed: {
      type: 'array',
      title: 'Participants who completed it',
      maxItems: 500,
      uniqueItems: true,
      items: ID_SCHEMA,
    },
  },
} as const;
export const validateCompletion = compile<CompletionInput>(completionSchema);
