import { FORMATS, PRIORITIES, SOURCES, STATUSES, TRACKS } from '../vocabulary';
import { MAX_PER_PAGE } from './api.schemas';
import { ENGAGEMENT_STATUSES, engagementSchema } from './engagement.schemas';

/*
 * The shapes of the API's answers, for the OpenAPI document (openapi.ts); what the API takes is
 * described there from the validators' own schemas.
 */

export type Json = Record<string, unknown>;

/** An AJV schema as an OpenAPI 3.1 schema (JSON Schema 2020-12): the same rules, without AJV's id. */
export function fromAjv(schema: object): Json {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema)) as Json;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Json = {}) => ({ type: [type, 'null'], ...extra });

export const caseSchema = {
  type: 'object',
  required: [
    'reference',
    'track',
    'status',
    'priority',
    'source',
    'jurisdiction',
    'title',
    'organization',
    'lead_consultant',
    'submitted_at',
    'first_assigned_at',
    'first_engagement_at',
    'closed_at',
  ],
  properties: {
    reference: { type: 'string', examples: ['TA-2026-0042'] },
    track: { type: 'string', enum: Object.keys(TRACKS) },
    status: { type: 'string', enum: Object.keys(STATUSES) },
    priority: { type: 'string', enum: Object.keys(PRIORITIES) },
    source: { type: 'string', enum: Object.keys(SOURCES) },
    jurisdiction: { type: 'string' },
    title: { type: 'string' },
    organization: nullable('string'),
    lead_consultant: nullable('string', { description: 'Name of the lead consultant, once assigned.' }),
    submitted_at: nullable('string', { format: 'date-time' }),
    first_assigned_at: nullable('string', { format: 'date-time' }),
    first_engagement_at: nullable('string', { format: 'date-time' }),
    closed_at: nullable('string', { format: 'date-time' }),
  },
};

export const engagementRowSchema = {
  type: 'object',
  required: [
    'id',
    'case_reference',
    'track',
    'date',
    'start_time',
    'duration_minutes',
    'format',
    'status',
    'participant_count',
    'jurisdictions',
    'consultants',
    'topics',
  ],
  properties: {
    id: { type: 'integer' },
    case_reference: { type: 'string' },
    track: { type: 'string', enum: Object.keys(TRACKS) },
    date: { type: 'string', format: 'date' },
    start_time: nullable('string', { description: 'HH:MM in the program time zone.' }),
    duration_minutes: { type: 'integer' },
    format: { type: 'string', enum: Object.keys(FORMATS) },
    status: { type: 'string', enum: Object.keys(ENGAGEMENT_STATUSES) },
    participant_count: { type: 'integer' },
    jurisdictions: { type: 'array', items: { type: 'string' } },
    consultants: { type: 'array', items: { type: 'string' }, description: 'Names of the facilitating consultants.' },
    topics: { type: 'array', items: { type: 'string' }, description: 'Names of the topics.' },
  },
};

export const engagementSchemaOut = {
  type: 'object',
  required: [
    'id',
    'case_reference',
    'date',
    'start_time',
    'duration_minutes',
    'format',
    'status',
    'participant_count',
    'consultant_ids',
    'jurisdictions',
    'topics',
    'attendees',
    'summary',
    'follow_up_actions',
    'follow_up_date',
    'location',
    'meeting_url',
    'updated_at',
    'version',
  ],
  properties: {
    id: { type: 'integer' },
    case_reference: { type: 'string' },
    date: { type: 'string', format: 'date' },
    start_time: nullable('string'),
    duration_minutes: { type: 'integer' },
    format: { type: 'string', enum: Object.keys(FORMATS) },
    status: { type: 'string', enum: Object.keys(ENGAGEMENT_STATUSES) },
    participant_count: { type: 'integer', description: '0 until known (required once delivered).' },
    consultant_ids: { type: 'array', items: { type: 'integer' } },
    jurisdictions: { type: 'array', items: { type: 'string' } },
    topics: { type: 'array', items: { type: 'string' } },
    attendees: fromAjv(engagementSchema.properties.attendees),
    summary: nullable('string'),
    follow_up_actions: nullable('string'),
    follow_up_date: nullable('string', { format: 'date' }),
    location: nullable('string'),
    meeting_url: nullable('string'),
    updated_at: { type: 'string', format: 'date-time' },
    version: { type: 'integer', minimum: 1, description: 'Goes up by one with every change; the ETag is "v" and this number, in quotes.' },
  },
};

export const paged = (item: string) => ({
  type: 'object',
  required: ['data', 'page', 'per_page', 'total', 'filters'],
  properties: {
    data: { type: 'array', items: ref(item) },
    page: { type: 'integer', minimum: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE },
    total: { type: 'integer', minimum: 0, description: 'Rows in all pages.' },
    filters: ref('Filters'),
  },
});

const numbers = { type: 'number' };
export const coverageSchema = {
  type: 'object',
  required: [
    'filters',
    'states_served',
    'states_total',
    'territories_served',
    'engagements',
    'hours',
    'participants',
    'open_cases',
    'jurisdictions',
    'new_to_leep',
    'territories_in_counts',
    'by_year',
  ],
  properties: {
    filters: ref('Filters'),
    states_served: { type: 'integer', description: 'Of the 50 states and DC.' },
    states_total: { type: 'integer' },
    territories_served: { type: 'array', items: { type: 'string' } },
    engagements: { type: 'integer' },
    hours: numbers,
    participants: { type: 'integer' },
    open_cases: { type: 'integer' },
    jurisdictions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'name', 'kind', 'served', 'first_served', 'last_served', 'engagements', 'hours', 'participants'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string' },
          served: { type: 'boolean' },
          first_served: nullable('string', { format: 'date' }),
          last_served: nullable('string', { format: 'date' }),
          engagements: { type: 'integer' },
          hours: numbers,
          participants: { type: 'integer' },
        },
      },
    },
    new_to_leep: { type: 'integer' },
    territories_in_counts: { type: 'boolean', const: false },
    by_year: {
      type: 'array',
      items: {
        type: 'object',
        required: ['year', 'states_served', 'new_to_leep', 'newly_served', 'served_cumulative', 'engagements', 'hours', 'participants'],
        properties: {
          year: { type: 'integer' },
          states_served: { type: 'integer' },
          new_to_leep: { type: 'integer' },
          newly_served: { type: 'integer' },
          served_cumulative: { type: 'integer' },
          engagements: { type: 'integer' },
          hours: numbers,
          participants: { type: 'integer' },
        },
      },
    },
  },
};

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'Safe to show to a person.' },
        request_id: { type: 'string', description: 'Quote it when asking for help.' },
      },
    },
  },
};

export const validationSchema = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', description: 'The field (or query parameter, or header) to correct; `_` for the body as a whole.' },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** An engagement as a client sends it (the example of the save and patch bodies). */
export const engagementExample = {
  date: '2026-11-20',
  start_time: '14:00',
  duration_minutes: 90,
  format: 'small_group',
  status: 'delivered',
  consultant_ids: [2],
  participant_count: 12,
  jurisdictions: ['OH'],
  topics: ['early-learning'],
  summary: 'Worked through the early learning framework with the board.',
  attendees: [{ name: 'Pat Lee', role: 'Board chair', jurisdiction: 'OH' }],
  follow_up_actions: 'Send the draft policy to the board office.',
  location: 'State board office, Columbus',
  meeting_url: 'https://meet.example.org/leep-oh',
};
