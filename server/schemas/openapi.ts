import { ID_SCHEMA } from '../ids';
import { MAX_PER_PAGE, apiQuerySchema, engagementPatchSchema } from './api.schemas';
import { noteSchema } from './case.schemas';
import { engagementSchema } from './engagement.schemas';
import {
  type Json,
  caseSchema,
  coverageSchema,
  engagementRowSchema,
  engagementExample,
  engagementSchemaOut,
  errorSchema,
  fromAjv,
  paged,
  ref,
  validationSchema,
} from './openapi-answers';
import { requestCreateSchema } from './request.schemas';

/*
 * The OpenAPI 3.1 description of /api/v1, made from the very schemas the API validates with: a
 * change to a schema changes the document. Only the answers' shapes are written here.
 */

/**
 * The request form's schema without its honeypot (`website`, a field people never see and bots
 * fill in): the API takes it as the form does, but it is no part of what a client should send.
 */
const requestCreateContract = (() => {
  const schema = fromAjv(requestCreateSchema) as { properties: Record<string, unknown> };
  delete schema.properties.website;
  return schema;
})();

const response = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Json, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });

const err = (description: string, headers?: Json) => ({ description, ...(headers ? { headers } : {}), content: json(ref('Error')) });

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (a UUID) per call. A retry with the same key and the same call gets the first answer back (with `Idempotent-Replayed: true`) instead of writing twice; the same key with another call answers 422; while the first call is still running, 409. Keys are kept 24 hours.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'Optional: the ETag of the engagement as you read it ("v" and its version, e.g. "v3"; from GET /api/v1/engagements/{id} or a previous change). If it has changed since, the call answers 412 and changes nothing.',
  schema: { type: 'string' },
};
const etagHeader = { ETag: { description: 'The version of the engagement, for If-Match.', schema: { type: 'string' } } };

const listParameters = Object.entries(apiQuerySchema.properties).map(([name, schema]) => ({
  name,
  in: 'query',
  required: false,
  description: (schema as { description: string }).description,
  schema: fromAjv(schema),
}));

const readErrors = { '400': response('Invalid'), '401': response('Unauthorized'), '503': response('Unavailable') };
const writeErrors = {
  ...readErrors,
  '403': response('Forbidden'),
  '404': response('NotFound'),
  '409': response('Conflict'),
  '415': response('UnsupportedMediaType'),
  '422': response('IdempotencyKeyReused'),
};
const referencePath = {
  name: 'reference',
  in: 'path',
  required: true,
  description: 'The case reference, like TA-2026-0042.',
  schema: { type: 'string', maxLength: 40, pattern: '^[A-Za-z0-9-]+$' },
};
const idPath = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The engagement id.',
  schema: ID_SCHEMA,
};
// HTTP bearer schemes have no scopes in OpenAPI's sense: the scope a call needs is said in
// `x-token-scope` and in its description.
const writeScope = [{ bearerToken: [] }];
const readScope = [{ bearerToken: [] }];

/** A paged list read with the dashboard's filters (`GET /api/v1/cases`, `GET /api/v1/engagements`). */
const pagedList = (operationId: string, tag: string, what: { summary: string; description: string; page: string; list: string }) => ({
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

/** The whole document; `serverUrl` is the site's public address. */
export function openApiDocument(serverUrl: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'LEEP TA Tracker API',
      version: '1.0.0',
      summary: "Requests for support, and the staff's cases, engagements and coverage figures.",
      description: [
        "The public intake (`POST /api/v1/requests`) needs no token. Every other call needs a director's API token, made under Admin → API tokens, sent as `Authorization: Bearer <token>`.",
        'A token has a scope: `read` reads the lists and figures; `write` also records engagements and notes, through the same rules as the forms (a read token gets 403 on a write).',
        `Lists are paged with \`page\` (from 1) and \`per_page\` (1 to ${MAX_PER_PAGE}, default 50); the \`Link\` header gives the first, previous, next and last pages. Dates are YYYY-MM-DD in the program time zone; \`from\`/\`to\` filter by period.`,
        'A wrong value answers 400 with `{"errors":[{"field","message"}]}`, naming each field. Other errors answer `{"error":{"code","message","request_id"}}`.',
      ].join('\n\n'),
      contact: { name: 'LEEP program team', url: `${serverUrl}/` },
    },
    servers: [{ url: serverUrl, description: 'This site' }],
    tags: [
      { name: 'Intake', description: 'Requests for support, with no account (as the public form).' },
      { name: 'Cases', description: 'Cases, and notes on them (director tokens).' },
      { name: 'Engagements', description: 'Engagements: list, read, record, change, cancel (director tokens).' },
      { name: 'Reports', description: "The coverage dashboard's figures (director tokens)." },
      { name: 'Description', description: 'This document.' },
    ],
    paths: {
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          tags: ['Description'],
          summary: 'This document',
          description: 'The OpenAPI 3.1 description of this API. Rendered for people at /api/docs.',
          security: [],
          responses: { '200': { description: 'The document.', content: json({ type: 'object' }) } },
        },
      },
      '/api/v1/requests': {
        post: {
          operationId: 'createRequest',
          tags: ['Intake'],
          summary: 'Submit a request for support',
          description:
            'The public request form as JSON: the same fields and rules. A repeated Idempotency-Key (or `idempotency_key`) gives back the same case.',
          security: [],
          parameters: [
            {
              ...idempotencyKey,
              description:
                'A key of 8 to 100 letters, digits, - or _ per submission; a retry with the same key gives back the same case instead of a second one. Same as the body field `idempotency_key`.',
              schema: fromAjv(requestCreateSchema.properties.idempotency_key),
            },
          ],
          requestBody: {
            required: true,
            content: json(ref('RequestCreate'), {
              jurisdiction: 'OH',
              name: 'Dana Smith',
              email: 'dana.smith@example.org',
              role: 'Board member',
              organization_type: 'state_board',
              organization_name: 'Ohio State Board of Education',
              topics: ['early-learning'],
              preferred_format: 'no_preference',
              title: 'Help with an early learning policy',
              needs: 'Our board is revising its early learning policy and wants support.',
              phone: '614-555-0100',
              outcomes: 'A policy draft the board can vote on.',
              idempotency_key: 'example-submission-0001',
            }),
          },
          responses: {
            '201': {
              description: "Received: the case reference and the requester's status page.",
              content: json({
                type: 'object',
                required: ['reference', 'status_url'],
                properties: { reference: { type: 'string' }, status_url: { type: 'string', format: 'uri' } },
              }),
            },
            '200': {
              description: 'Already received (the same Idempotency-Key from another client): the reference only.',
              content: json({ type: 'object', required: ['reference'], properties: { reference: { type: 'string' } } }),
            },
            '400': response('Invalid'),
            '415': response('UnsupportedMediaType'),
            '429': response('TooManyRequests'),
            '503': response('Unavailable'),
          },
        },
      },
      '/api/v1/cases': pagedList('listCases', 'Cases', {
        summary: 'Cases submitted in a period',
        description: "Cases submitted in the period, oldest first, with the dashboard's filters.",
        page: 'A page of cases.',
        list: 'CaseList',
      }),
      '/api/v1/cases/{reference}/engagements': {
        post: {
          operationId: 'createEngagement',
          tags: ['Engagements'],
          summary: 'Record an engagement on a case',
          description:
            "The engagement form as JSON: the same fields and rules (a delivered engagement needs summary notes and a number of participants, cannot be in the future, and so on); it is added to the case timeline. Not on a declined or withdrawn case (409), nor on a program's case (409).",
          security: writeScope,
          'x-token-scope': 'write',
          parameters: [referencePath, idempotencyKey],
          requestBody: { required: true, content: json(ref('EngagementSave'), engagementExample) },
          responses: {
            '201': {
              description: 'Recorded.',
              headers: { ...etagHeader, Location: { description: 'The new engagement.', schema: { type: 'string' } } },
              content: json(ref('Engagement')),
            },
            ...writeErrors,
          },
        },
      },
      '/api/v1/cases/{reference}/notes': {
        post: {
          operationId: 'addNote',
          tags: ['Cases'],
          summary: 'Add an internal note to a case',
          description: 'As the note box of the case page: staff only, added to the case timeline.',
          security: writeScope,
          'x-token-scope': 'write',
          parameters: [referencePath, idempotencyKey],
          requestBody: { required: true, content: json(ref('NoteCreate'), { body: 'Called the board chair; the March date suits them.' }) },
          responses: {
            '201': {
              description: 'Added.',
              content: json({
                type: 'object',
                required: ['case_reference', 'body'],
                properties: { case_reference: { type: 'string' }, body: { type: 'string' } },
              }),
            },
            ...writeErrors,
          },
        },
      },
      '/api/v1/engagements': pagedList('listEngagements', 'Engagements', {
        summary: 'Delivered engagements in a period',
        description: 'The delivered engagements behind the dashboard, by date, with its filters.',
        page: 'A page of engagements.',
        list: 'EngagementList',
      }),
      '/api/v1/engagements/{id}': {
        get: {
          operationId: 'getEngagement',
          tags: ['Engagements'],
          summary: 'One engagement',
          description: 'The engagement with every field, and its ETag for If-Match.',
          security: readScope,
          'x-token-scope': 'read',
          parameters: [idPath],
          responses: {
            '200': { description: 'The engagement.', headers: etagHeader, content: json(ref('Engagement')) },
            '401': response('Unauthorized'),
            '404': response('NotFound'),
            '503': response('Unavailable'),
          },
        },
        patch: {
          operationId: 'updateEngagement',
          tags: ['Engagements'],
          summary: 'Change an engagement',
          description:
            "The fields sent replace the engagement's; those left out keep their value. The result is judged by the same rules as the edit form, and each changed field is kept on the case timeline. Not a program's meeting (409).",
          security: writeScope,
          'x-token-scope': 'write',
          parameters: [idPath, ifMatch, idempotencyKey],
          requestBody: {
            required: true,
            content: json(ref('EngagementPatch'), {
              status: 'delivered',
              participant_count: 14,
              summary: 'Delivered as planned.',
              attendees: [{ name: 'Pat Lee', role: 'Board chair', jurisdiction: 'OH' }],
              topics: ['early-learning'],
              follow_up_actions: 'Share the slides.',
              location: 'Online',
              meeting_url: 'https://meet.example.org/leep-oh',
            }),
          },
          responses: {
            '200': { description: 'Changed.', headers: etagHeader, content: json(ref('Engagement')) },
            ...writeErrors,
            '412': response('PreconditionFailed'),
          },
        },
      },
      '/api/v1/engagements/{id}/cancel': {
        post: {
          operationId: 'cancelEngagement',
          tags: ['Engagements'],
          summary: 'Cancel an engagement',
          description:
            'As the Cancel button: the engagement keeps its record but counts nowhere; the cancellation is on the case timeline. Cancelling a cancelled engagement changes nothing. No body.',
          security: writeScope,
          'x-token-scope': 'write',
          parameters: [idPath, ifMatch, idempotencyKey],
          responses: {
            '200': { description: 'Cancelled.', headers: etagHeader, content: json(ref('Engagement')) },
            ...writeErrors,
            '412': response('PreconditionFailed'),
          },
        },
      },
      '/api/v1/reports/coverage': {
        get: {
          operationId: 'getCoverage',
          tags: ['Reports'],
          summary: 'Coverage figures',
          description: "The coverage dashboard's figures for the period and filters, equal to the page's.",
          security: readScope,
          'x-token-scope': 'read',
          parameters: listParameters.filter((p) => p.name !== 'page' && p.name !== 'per_page'),
          responses: { '200': { description: 'The figures.', content: json(ref('Coverage')) }, ...readErrors },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A director's API token (`leep_…`), made under Admin → API tokens. Its scope is `read` or `write`.",
        },
      },
      headers: {
        Link: { description: 'RFC 8288 links to the first, last, previous and next pages.', schema: { type: 'string' } },
      },
      schemas: {
        RequestCreate: requestCreateContract,
        EngagementSave: fromAjv(engagementSchema),
        EngagementPatch: fromAjv(engagementPatchSchema),
        NoteCreate: fromAjv(noteSchema),
        Case: caseSchema,
        CaseList: paged('Case'),
        EngagementRow: engagementRowSchema,
        EngagementList: paged('EngagementRow'),
        Engagement: engagementSchemaOut,
        Coverage: coverageSchema,
        Filters: { type: 'object', description: 'The filters applied, after defaults.', additionalProperties: true },
        Error: errorSchema,
        ValidationErrors: validationSchema,
      },
      responses: {
        Invalid: {
          description: 'A wrong value: each field named, with a message (or, for a body that is not JSON at all, an error).',
          content: json({ anyOf: [ref('ValidationErrors'), ref('Error')] }),
        },
        Unauthorized: err('No token, or not a valid one.', { 'WWW-Authenticate': { schema: { type: 'string' } } }),
        Forbidden: err('The token may only read.'),
        NotFound: err('No such case or engagement.'),
        Conflict: err(
          'Not allowed in the current state (a declined case, a program meeting), or the same Idempotency-Key is still being used.',
        ),
        PreconditionFailed: err('If-Match given, and the engagement has changed since.'),
        UnsupportedMediaType: err('The body is not application/json.'),
        IdempotencyKeyReused: err('The Idempotency-Key was already used for a different call.'),
        TooManyRequests: err('Too many submissions from one address in a minute.', {
          'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
        }),
        Unavailable: err('The database is down for a moment.', {
          'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
        }),
      },
    },
  };
}
