import { ID_SCHEMA } from '../ids';
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
    lead_consultant_id: { ...ID_SCHEMA, title: 'A lead consultant' },
    supporting_ids: {
      type: 'array',
      title: 'Supporting consultants',
      maxItems: 20,
      uniqueItems: true,
      items: ID_SCHEMA,
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

/** A form of one field, a choice from a fixed set (the priority). */
const choiceSchema = <F extends string>(id: string, field: F, title: string, set: Record<string, string>) =>
  ({
    $id: id,
    type: 'object',
    additionalProperties: false,
    required: [field],
    properties: { [field]: { type: 'string', title, enum: Object.keys(set) } } as Record<
      F,
      { type: 'string'; title: string; enum: string[] }
    >,
  }) as const;
export const prioritySchema = choiceSchema('case.priority', 'priority', 'A priority', PRIORITIES);
export const validatePriority = compile<{ priority: keyof typeof PRIORITIES }>(prioritySchema);

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
