import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import request from 'supertest';
import { apiQuerySchema } from '../../server/schemas/api.schemas';
import { engagementSchema } from '../../server/schemas/engagement.schemas';
import { testApp } from '../helpers/app';
import { requestPayload } from '../helpers/factories';
import { describeEachEngine } from '../helpers/db';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route of the app, as "METHOD /path" with Express's :params. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [m, on] of Object.entries(layer.route.methods))
          if (on && m !== '_all') out.push(`${m.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describeEachEngine('OpenAPI document', () => {
  const { app, config } = testApp();

  it('GET /api/v1/openapi.json answers a valid OpenAPI 3.1 document (swagger-parser), with no token', async () => {
    const res = await request(app).get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.body.openapi, '3.1.0');
    assert.deepEqual(res.body.servers, [{ url: config.publicUrl.replace(/\/$/, ''), description: 'This site' }]);
    const api = await SwaggerParser.validate(structuredClone(res.body));
    assert.ok(api.paths);
  });

  it('every Express route under /api/v1 is in the document, and every path of the document is a route (same methods)', async () => {
    const doc = (await request(app).get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = routesOf(app)
      .filter((r) => r.split(' ')[1].startsWith('/api/v1/'))
      .map((r) => r.replace(/:([A-Za-z_]+)/g, '{$1}'))
      .sort();
    assert.ok(routes.length >= 9, routes.join('\n'));
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    assert.deepEqual(documented, routes);
  });

  it("the document is made from the schemas the API validates with: the engagement body is the form schema, and the list limits are the validator's", async () => {
    const doc = (await request(app).get('/api/v1/openapi.json')).body;
    const { $id: _id, ...body } = JSON.parse(JSON.stringify(engagementSchema));
    assert.deepEqual(doc.components.schemas.EngagementSave, body);
    const perPage = doc.paths['/api/v1/cases'].get.parameters.find((p: { name: string }) => p.name === 'per_page');
    assert.equal(perPage.schema.maximum, apiQuerySchema.properties.per_page.maximum);
    assert.equal(perPage.schema.maximum, 200);
  });

  it('documents the error shapes, the Bearer scheme, Retry-After on 429 and 503, and If-Match/ETag as optional', async () => {
    const doc = (await request(app).get('/api/v1/openapi.json')).body;
    assert.deepEqual(doc.components.securitySchemes.bearerToken, {
      type: 'http',
      scheme: 'bearer',
      description: doc.components.securitySchemes.bearerToken.description,
    });
    assert.ok(doc.components.responses.TooManyRequests.headers['Retry-After']);
    assert.ok(doc.components.responses.Unavailable.headers['Retry-After']);
    const patch = doc.paths['/api/v1/engagements/{id}'].patch;
    assert.equal(patch.parameters.find((p: { name: string }) => p.name === 'If-Match').required, false);
    assert.ok(patch.responses['412'] && patch.responses['409'] && patch.responses['415'] && patch.responses['422']);
    assert.ok(patch.responses['200'].headers.ETag);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>)) {
      if (ops.post && path !== '/api/v1/requests')
        assert.ok(
          ops.post.parameters?.some((p) => p.name === 'Idempotency-Key'),
          `${path} takes an Idempotency-Key`,
        );
    }
  });

  it('POST /api/v1/requests past INTAKE_RATE_LIMIT answers 429 with Retry-After and the error shape the document gives', async () => {
    const limited = testApp({ INTAKE_RATE_LIMIT: '1' }).app;
    assert.equal((await request(limited).post('/api/v1/requests').send(requestPayload())).status, 201);
    const res = await request(limited).post('/api/v1/requests').send(requestPayload());
    assert.equal(res.status, 429);
    assert.match(String(res.headers['retry-after']), /^\d+$/);
    assert.equal(res.body.error.code, 'too_many_requests');
    const doc = (await request(app).get('/api/v1/openapi.json')).body;
    assert.deepEqual(doc.paths['/api/v1/requests'].post.responses['429'], { $ref: '#/components/responses/TooManyRequests' });
  });
});
