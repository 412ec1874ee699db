import { PRIORITIES, STATUSES } from '../vocabulary';
import { compile } from './validate';

interface AssignmentInput {
  lead_consultant_id: number;
  supporting_ids?: number[];
}
export const assignmentSchema = {
  $id: 'case.assign',
  type: 'object',
  additionalProperties: false,
  required: ['lead_consultant_id'],
  properties: {
    lead_consultant_id: { type: 'integer', title: 'A lead consultant', minimum: 1, maximum: 2147483647 },
    supporting_ids: {
      type: 'array',
      title: 'Supporting consultants',
      maxItems: 20,
      uniqueItems: true,
      items: { type: 'integer', minimum: 1, maximum: 2147483647 },
    },
  },
} as const;
export const validateAssignment = compile<AssignmentInput>(assignmentSchema);

interface StatusInput {
  to: keyof typeof STATUSES;
  reason?: string;
  closing_summary?: string;
  /** On completing: "yes" cancels the engagements still scheduled (and mails the cancellations). */
  cancel_scheduled?: 'yes';
}
export const statusSchema = {
  $id: 'case.status',
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: {
    to: { type: 'string', title: 'A new status', enum: Object.keys(STATUSES) },
    reason: { type: 'string', title: 'A reason', maxLength: 500 },
    closing_summary: { type: 'string', title: 'A closing summary', maxLength: 5000 },
    cancel_scheduled: { type: 'string', title: 'Whether to cancel the scheduled engagements', enum: ['yes'] },
  },
} as const;
export const validateStatus = compile<StatusInput>(statusSchema);

interface PriorityInput {
  priority: keyof typeof PRIORITIES;
}
export const prioritySchema = {
  $id: 'case.priority',
  type: 'object',
  additionalProperties: false,
  required: ['priority'],
  properties: { priority: { type: 'string', title: 'A priority', enum: Object.keys(PRIORITIES) } },
} as const;
export const validatePriority = compile<PriorityInput>(prioritySchema);

interface TextInput {
  body: string;
}
const textSchema = (id: string, title: string) =>
  ({
    $id: id,
    type: 'object',
    additionalProperties: false,
    required: ['body'],
    properties: { body: { type: 'string', title, maxLength: 5000, pattern: '\\S' } },
  }) as const;
export const noteSchema = textSchema('case.note', 'A note');
export const validateNote = compile<TextInput>(noteSchema);
export const messageSchema = textSchema('case.message', 'A message');
export const validateMessage = compile<TextInput>(messageSchema);

import { RequestCreate, requestCreateSchema } from './request.schemas';

/** A director's edit of a case's request fields: the request form's fields and rules. */
type CaseUpdateInput = Omit<RequestCreate, 'website' | 'idempotency_key'>;
const { website: _w, idempotency_key: _k, ...caseFields } = requestCreateSchema.properties;
export const caseUpdateSchema = {
  $id: 'case.update',
  type: 'object',
  additionalProperties: false,
  required: requestCreateSchema.required,
  properties: caseFields,
} as const;
export const validateCaseUpdate = compile<CaseUpdateInput>(caseUpdateSchema);
