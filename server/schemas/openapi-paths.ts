import { engagementExample, fromAjv, ref } from './openapi-answers';
import {
  etagHeader,
  idPath,
  idempotencyKey,
  ifMatch,
  json,
  listParameters,
  pagedList,
  readErrors,
  readScope,
  referencePath,
  response,
  writeErrors,
  writeScope,
} from './openapi-parts';
import { requestCreateSchema } from './request.schemas';

/** The operations of /api/v1, by path: what each takes and what it answers. */
export function apiPaths() {
  return {
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
  };
}
