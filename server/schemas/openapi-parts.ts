import { ID_SCHEMA } from '../ids';
import { apiQuerySchema } from './api.schemas';
import { type Json, fromAjv, ref } from './openapi-answers';

/*
 * The pieces the OpenAPI document's paths (openapi-paths.ts) are made of: its parameters and
 * headers, the sets of error answers, the scopes and the paged list reads.
 */

export const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
export const json = (schema: Json, example?: unknown) => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});

export const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (a UUID) per call. A retry with the same key and the same call gets the first answer back (with `Idempotent-Replayed: true`) instead of writing twice; the same key with another call answers 422; while the first call is still running, 409. Keys are kept 24 hours.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
export const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'Optional: the ETag of the engagement as you read it ("v" and its version, e.g. "v3"; from GET /api/v1/engagements/{id} or a previous change). If it has changed since, the call answers 412 and changes nothing.',
  schema: { type: 'string' },
};
export const etagHeader = { ETag: { description: 'The version of the engagement, for If-Match.', schema: { type: 'string' } } };

export const listParameters = Object.entries(apiQuerySchema.properties).map(([name, schema]) => ({
  name,
  in: 'query',
  required: false,
  description: (schema as { description: string }).description,
  schema: fromAjv(schema),
}));

export const readErrors = { '400': response('Invalid'), '401': response('Unauthorized'), '503': response('Unavailable') };
export const writeErrors = {
  ...readErrors,
  '403': response('Forbidden'),
  '404': response('NotFound'),
  '409': response('Conflict'),
  '415': response('UnsupportedMediaType'),
  '422': response('IdempotencyKeyReused'),
};
export const referencePath = {
  name: 'reference',
  in: 'path',
  required: true,
  description: 'The case reference, like TA-2026-0042.',
  schema: { type: 'string', maxLength: 40, pattern: '^[A-Za-z0-9-]+$' },
};
export const idPath = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The engagement id.',
  schema: ID_SCHEMA,
};
// HTTP bearer schemes have no scopes in OpenAPI's sense: the scope a call needs is said in
// `x-token-scope` and in its description.
export const writeScope = [{ bearerToken: [] }];
export const readScope = [{ bearerToken: [] }];

/** A paged list read with the dashboard's filters (`GET /api/v1/cases`, `GET /api/v1/engagements`). */
export const pagedList = (
  operationId: string,
  tag: string,
  what: { summary: string; description: string; page: string; list: string },
) => ({
  get: {
    operationId,
    tags: [tag],
    summary: what.summary,
    description: what.description,
    security: readScope,
    'x-token-scope': 'read',
    parameters: listParameters,
    responses: {
      '200': { description: what.page, headers: { Link: { $ref: '#/components/headers/Link' } }, content: json(ref(what.list)) },
      ...readErrors,
    },
  },
});
