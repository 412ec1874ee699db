import { MAX_PER_PAGE, engagementPatchSchema } from './api.schemas';
import { noteSchema } from './case.schemas';
import { engagementSchema } from './engagement.schemas';
import {
  type Json,
  caseSchema,
  coverageSchema,
  engagementRowSchema,
  engagementSchemaOut,
  errorSchema,
  fromAjv,
  paged,
  ref,
  validationSchema,
} from './openapi-answers';
import { json } from './openapi-parts';
import { apiPaths } from './openapi-paths';
import { requestCreateSchema } from './request.schemas';

/*
 * The OpenAPI 3.1 description of /api/v1, made from the very schemas the API validates with: a
 * change to a schema changes the document. Only the answers' shapes are written here; the
 * operations are in openapi-paths.ts.
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

const err = (description: string, headers?: Json) => ({ description, ...(headers ? { headers } : {}), content: json(ref('Error')) });

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
    paths: apiPaths(),
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
