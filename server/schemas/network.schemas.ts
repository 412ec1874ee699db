import { ID_SCHEMA } from '../ids';
import { JURISDICTION_CODES } from '../../seeds/data/jurisdictions';
import { NETWORK_EVENT_KINDS, NETWORK_ORGANIZATIONS, NetworkOrganization } from '../vocabulary';
import { submissionKey } from './cohort.schemas';
import { requestCreateSchema } from './request.schemas';
import { compile } from './validate';

/** A team form holds at most this many members. */
const MAX_MEMBERS = 8;
export const MEMBER_NUMBERS = Array.from({ length: MAX_MEMBERS }, (_, i) => i + 1);

const text = (title: string, maxLength: number) => ({ type: 'string', title, maxLength, pattern: '\\S' }) as const;

function memberFields(n: number) {
  return {
    [`member_${n}_name`]: text(`Member ${n}'s name`, 120),
    [`member_${n}_role`]: text(`Member ${n}'s role`, 120),
    [`member_${n}_organization`]: { type: 'string', title: `Member ${n}'s organization`, enum: Object.keys(NETWORK_ORGANIZATIONS) },
  };
}

interface TeamInput {
  jurisdiction: string;
  [memberField: string]: unknown;
}

export const teamSchema = {
  $id: 'network.team',
  type: 'object',
  additionalProperties: false,
  required: ['jurisdiction'],
  properties: {
    jurisdiction: { type: 'string', title: 'State or jurisdiction', enum: [...JURISDICTION_CODES] },
    ...Object.assign({}, ...MEMBER_NUMBERS.map(memberFields)),
  },
};
export const validateTeam = compile<TeamInput>(teamSchema);

interface MemberInput {
  name: string;
  role: string;
  organization: NetworkOrganization;
}

/** The member rows of a valid team payload that are in use, with the problems of half-filled rows. */
export function membersOf(input: TeamInput): { members: MemberInput[]; errors: { field: string; message: string }[] } {
  const members: MemberInput[] = [];
  const errors: { field: string; message: string }[] = [];
  for (const n of MEMBER_NUMBERS) {
    const name = input[`member_${n}_name`] as string | undefined;
    const role = input[`member_${n}_role`] as string | undefined;
    const organization = input[`member_${n}_organization`] as NetworkOrganization | undefined;
    if (!name && !role && !organization) continue;
    if (!name) errors.push({ field: `member_${n}_name`, message: `Enter member ${n}'s name` });
    if (!role) errors.push({ field: `member_${n}_role`, message: `Enter member ${n}'s role` });
    if (!organization) errors.push({ field: `member_${n}_organization`, message: `Choose member ${n}'s organization` });
    if (name && role && organization) members.push({ name: name.trim(), role: role.trim(), organization });
  }
  if (!members.length && !errors.length)
    errors.push({ field: 'member_1_name', message: 'Enter at least one member: their name, role and organization' });
  return { members, errors };
}

interface EventInput {
  title: string;
  kind: keyof typeof NETWORK_EVENT_KINDS;
  date: string;
  start_time?: string;
  duration_minutes: number;
  idempotency_key?: string;
}

export const eventSchema = {
  $id: 'network.event',
  type: 'object',
  additionalProperties: false,
  required: ['title', 'kind', 'date', 'duration_minutes'],
  properties: {
    title: text('Title of the event', 200),
    kind: { type: 'string', title: 'Kind of event', enum: Object.keys(NETWORK_EVENT_KINDS) },
    date: { type: 'string', title: 'Date', format: 'date' },
    start_time: { type: 'string', title: 'Start time', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    duration_minutes: { type: 'integer', title: 'Duration in minutes', minimum: 5, maximum: 600 },
    idempotency_key: submissionKey,
  },
} as const;
export const validateEvent = compile<EventInput>(eventSchema);

interface EventAttendanceInput {
  team_ids: number[];
  summary: string;
}
export const eventAttendanceSchema = {
  $id: 'network.event_attendance',
  type: 'object',
  additionalProperties: false,
  required: ['team_ids', 'summary'],
  properties: {
    team_ids: {
      type: 'array',
      title: 'At least one attending team',
      minItems: 1,
      maxItems: 56,
      uniqueItems: true,
      items: ID_SCHEMA,
    },
    summary: text('Summary notes', 10000),
  },
} as const;
export const validateEventAttendance = compile<EventAttendanceInput>(eventAttendanceSchema);

/** Customized training for one team: the request form's fields about the work, nothing about the requester. */
interface TrainingInput {
  title: string;
  needs: string;
  topics: string[];
  preferred_format: string;
  preferred_start?: string;
  deadline?: string;
  idempotency_key?: string;
}
const r = requestCreateSchema.properties;
export const trainingSchema = {
  $id: 'network.training',
  type: 'object',
  additionalProperties: false,
  required: ['title', 'needs', 'topics', 'preferred_format'],
  properties: {
    title: { ...r.title, title: 'A short title for the training' },
    needs: { ...r.needs, title: 'What the training should cover' },
    topics: r.topics,
    preferred_format: r.preferred_format,
    preferred_start: r.preferred_start,
    deadline: r.deadline,
    idempotency_key: r.idempotency_key,
  },
} as const;
export const validateTraining = compile<TrainingInput>(trainingSchema);
