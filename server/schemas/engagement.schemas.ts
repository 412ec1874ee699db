import { JURISDICTION_CODES } from '../../seeds/data/jurisdictions';
import { ID_SCHEMA } from '../ids';
import { FORMATS } from '../vocabulary';
import { compile } from './validate';

export const ENGAGEMENT_STATUSES = { scheduled: 'Scheduled', delivered: 'Delivered', cancelled: 'Cancelled' } as const;
export type EngagementStatus = keyof typeof ENGAGEMENT_STATUSES;

export interface Attendee {
  name: string;
  role?: string;
  jurisdiction?: string;
}

/** One engagement as the form (after its attendee lines are read) and the API send it. */
export interface EngagementInput {
  date: string;
  start_time?: string;
  duration_minutes: number;
  format: keyof typeof FORMATS;
  status: EngagementStatus;
  consultant_ids: number[];
  participant_count?: number;
  jurisdictions: string[];
  attendees?: Attendee[];
  topics?: string[];
  summary?: string;
  follow_up_actions?: string;
  follow_up_date?: string;
  location?: string;
  meeting_url?: string;
}

export const engagementSchema = {
  $id: 'engagement.save',
  type: 'object',
  additionalProperties: false,
  // The number of participants is known once delivered: required then (engagement.service), optional before.
  required: ['date', 'duration_minutes', 'format', 'status', 'consultant_ids', 'jurisdictions'],
  properties: {
    date: { type: 'string', title: 'Date', format: 'date' },
    start_time: { type: 'string', title: 'Start time', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    duration_minutes: { type: 'integer', title: 'Duration in minutes', minimum: 5, maximum: 600 },
    format: { type: 'string', title: 'Format', enum: Object.keys(FORMATS) },
    status: { type: 'string', title: 'Status', enum: Object.keys(ENGAGEMENT_STATUSES) },
    consultant_ids: {
      type: 'array',
      title: 'At least one facilitating consultant',
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      items: ID_SCHEMA,
    },
    participant_count: { type: 'integer', title: 'Number of participants', minimum: 1, maximum: 10000 },
    jurisdictions: {
      type: 'array',
      title: 'At least one participating state or jurisdiction',
      minItems: 1,
      maxItems: 56,
      uniqueItems: true,
      items: { type: 'string', enum: [...JURISDICTION_CODES] },
    },
    attendees: {
      type: 'array',
      title: 'Attendees',
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', maxLength: 120, pattern: '\\S' },
          role: { type: 'string', maxLength: 120 },
          jurisdiction: { type: 'string', enum: [...JURISDICTION_CODES] },
        },
      },
    },
    topics: {
      type: 'array',
      title: 'Topics',
      maxItems: 20,
      uniqueItems: true,
      items: { type: 'string', maxLength: 64, pattern: '^[a-z0-9-]+$' },
    },
    summary: { type: 'string', title: 'Summary notes', maxLength: 10000 },
    follow_up_actions: { type: 'string', title: 'Follow-up actions', maxLength: 5000 },
    follow_up_date: { type: 'string', title: 'Follow-up date', format: 'date' },
    location: { type: 'string', title: 'Place', maxLength: 300 },
    // http or https only: a javascript: or data: link would run when the requester clicks it.
    meeting_url: {
      type: 'string',
      title: 'A video-meeting link starting with https:// or http://',
      maxLength: 500,
      pattern: '^https?://[^\\s/]+[^\\s]*$',
    },
  },
} as const;

export const validateEngagement = compile<EngagementInput>(engagementSchema);
