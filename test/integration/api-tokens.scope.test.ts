import assert from 'node:assert/strict';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';

describeEachEngine('API token scopes', (ctx) => {
  const { app, config } = testApp();

  async function tokensPage() {
    const me = await makeUser({ role: 'director' });
    const agent = await signInAs(app, me);
    const page = await agent.get('/admin/tokens');
    assert.equal(page.status, 200);
    return { me, agent, page: page.text, csrf: csrfTokenOf(page.text) };
  }

  it('GET /admin/tokens offers the two scopes, read chosen, and links to the API documentation', async () => {
    const { page } = await tokensPage();
    assert.match(page, /<input[^>]*id="field-scope-read"[^>]*value="read" checked>/);
    assert.match(page, /<input[^>]*id="field-scope-write"[^>]*value="write">/);
    assert.match(page, /<a href="\/api\/docs">API documentation<\/a>/);
  });

  it('POST /admin/tokens with scope=write makes a write token: stored, audited, listed as "Read and write", and able to add a note', async () => {
    const d = await tokensPage();
    const res = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name: 'Staff tool', scope: 'write' }));
    assert.equal(res.status, 201);
    const token = /<code class="new-token">([^<]+)<\/code>/.exec(res.text)?.[1] as string;
    const row = await ctx.db.knex('api_tokens').where({ name: 'Staff tool' }).first();
    assert.equal(row.scope, 'write');
    const audit = await ctx.db
      .knex('audit_events')
      .where({ action: 'api_token.created', subject: `api_token:${row.id}` })
      .first();
    assert.deepEqual(JSON.parse(audit.detail_json ?? audit.detail ?? '{}'), { name: 'Staff tool', scope: 'write' });
    assert.match(res.text, /<th scope="row" data-label="Name">Staff tool<\/th>[\s\S]*?<td data-label="Scope">Read and write<\/td>/);
    const kase = await makeCase(config);
    const note = await request(app)
      .post(`/api/v1/cases/${kase.reference}/notes`)
      .set('Authorization', `Bearer ${token}`)
      .send({ body: 'From the staff tool' });
    assert.equal(note.status, 201, note.text);
  });

  it('POST /admin/tokens with no scope makes a read token, which gets 403 on a write', async () => {
    const d = await tokensPage();
    const res = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name: 'Workbook' }));
    assert.equal(res.status, 201);
    const token = /<code class="new-token">([^<]+)<\/code>/.exec(res.text)?.[1] as string;
    assert.equal((await ctx.db.knex('api_tokens').where({ name: 'Workbook' }).first()).scope, 'read');
    const kase = await makeCase(config);
    const note = await request(app)
      .post(`/api/v1/cases/${kase.reference}/notes`)
      .set('Authorization', `Bearer ${token}`)
      .send({ body: 'Not allowed' });
    assert.equal(note.status, 403);
    assert.equal((await ctx.db.knex('case_notes').where({ case_id: kase.id })).length, 0);
  });

  it('POST /admin/tokens with an unknown scope answers 422 with the message at the scope field, keeps the name, and creates no token', async () => {
    const d = await tokensPage();
    const before = (await ctx.db.knex('api_tokens')).length;
    const res = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name: 'Odd tool', scope: 'admin' }));
    assert.equal(res.status, 422);
    assert.match(res.text, /id="field-scope-error"[^>]*>[\s\S]*?Choose what the token may do/);
    assert.match(res.text, /value="Odd tool"/);
    assert.equal((await ctx.db.knex('api_tokens')).length, before);
  });

  it('GET /admin/tokens, as a consultant, answers 403; GET /api/docs and /api/v1/openapi.json answer 200 to anyone', async () => {
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    assert.equal((await consultant.get('/admin/tokens')).status, 403);
    assert.equal((await consultant.get('/api/docs')).status, 200);
    assert.equal((await request(app).get('/api/docs')).status, 200);
    assert.equal((await request(app).get('/api/v1/openapi.json')).status, 200);
  });
});
