import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, formAgent, testApp } from '../helpers/app';
import { requestForm, requestPayload } from '../helpers/factories';

describeEachEngine('Public request intake', (ctx) => {
  const { app } = testApp();

  it('POST /requests, with a valid form, creates one case and redirects 303 to its status page', async () => {
    const { agent, token } = await formAgent(app, '/requests/new');
    const res = await agent.post('/requests').type('form').send(encodeForm({ ...requestForm(), _csrf: token }));
    assert.equal(res.status, 303, res.text);
    assert.match(res.headers.location, /^\/status\/[A-Za-z0-9_-]{43}$/);
    const page = await agent.get(res.headers.location).expect(200);
    assert.match(page.text, /TA-\d{4}-0001/);
    assert.equal(Number((await ctx.db.knex('cases').count({ n: '*' }))[0].n), 1);
  });

  it('POST /api/v1/requests, with a valid payload, answers 201 with a reference and status URL', async () => {
    const res = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.reference, /^TA-\d{4}-\d{4}$/);
    assert.match(res.body.status_url, /^http:\/\/leep\.test\/status\//);
  });
});
