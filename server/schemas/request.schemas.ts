import { JURISDICTION_CODES } from '../../seeds/data/jurisdictions';
import { ORGANIZATION_TYPES, PREFERRED_FORMATS, TRACKS } from '../vocabulary';
import { compile } from './validate';

/** A request for support as the public form and `POST /api/v1/requests` send it. */
export interface RequestCreate {
  jurisdiction: string;
  name: string;
  email: string;
  phone?: string;
  role: string;
  organization_type: keyof typeof ORGANIZATION_TYPES;
  organization_name: string;
  track?: keyof typeof TRACKS;
  topics: string[];
  preferred_format: keyof typeof PREFERRED_FORMATS;
  title: string;
  needs: string;
  outcomes?: string;
  preferred_start?: string;
  deadline?: string;
  expected_participants?: number;
  website?: string;
  idempotency_key?: string;
}

const text = (title: string, maxLength: number) => ({ type: 'string', title, maxLength, pattern: '\\S' }) as const;

export const requestCreateSchema = {
  $id: 'request.create',
  type: 'object',
  additionalProperties: false,
  required: [
    'jurisdiction',
    'name',
    'email',
    'role',
    'organization_type',
    'organization_name',
    'topics',
    'preferred_format',
    'title',
    'needs',
  ],
  properties: {
    jurisdiction: { type: 'string', title: 'Your state or jurisdiction', enum: [...JURISDICTION_CODES] },
    name: text('Your name', 120),
    email: { type: 'string', title: 'E-mail address', maxLength: 254, format: 'email' },
    phone: { type: 'string', title: 'Phone number', maxLength: 40, pattern: '^[0-9+().\\- x]*[0-9][0-9+().\\- x]*$' },
    role: text('Your title or role', 120),
    organization_type: { type: 'string', title: 'Type of organization', enum: Object.keys(ORGANIZATION_TYPES) },
    organization_name: text('Name of your organization', 200),
    track: { type: 'string', title: 'Program', enum: Object.keys(TRACKS) },
    topics: {
      type: 'array',
      title: 'At least one topic',
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      items: { type: 'string', maxLength: 64, pattern: '^[a-z0-9-]+$' },
    },
    preferred_format: { type: 'string', title: 'A preferred format', enum: Object.keys(PREFERRED_FORMATS) },
    title: text('A short title for your request', 120),
    needs: text('What you need', 5000),
    outcomes: { type: 'string', title: 'Desired outcomes', maxLength: 5000 },
    preferred_start: { type: 'string', title: 'Preferred start date', format: 'date' },
    deadline: { type: 'string', title: 'Deadline', format: 'date' },
    expected_participants: { type: 'integer', title: 'Expected number of participants', minimum: 1, maximum: 10000 },
    website: { type: 'string', title: 'Leave this field empty', maxLength: 500 },
    idempotency_key: { type: 'string', title: 'Submission key', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
  },
} as const;

export const validateRequestCreate = compile<RequestCreate>(requestCreateSchema);
