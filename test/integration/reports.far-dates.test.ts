import assert from 'node:assert/strict';
import request from 'supertest';
import { createApiToken } from '../../server/services/token.service';
import { submitForm, testApp } from '../helpers/app';
import { Agent, errorAt, inputValue, makeUser, signInAs } from '../helpers/auth';
import { requestForm, requestPayload } from '../helpers/factories';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';

const FAR = [
  ['to', '9999-12-31'],
  ['from', '9999-12-31'],
  ['from', '1999-12-31'],
  ['to', '2101-01-01'],
  ['from', '0001-01-01'],
] as const;

describeEachEngine('Dates outside 2000-01-01..2100-12-31', (t) => {
  const { app, config } = testApp();
  const caseCount = async () => Number((await t.db.knex('cases').count({ n: '*' }))[0].n);
  let agent: Agent;
  let bearer: string;

  before(async () => {
    const director = await makeUser({ role: 'director' });
    await makeCase(config, { lead: await makeUser({ role: 'consultant' }), director });
    agent = await signInAs(app, director);
    bearer = (await createApiToken(director, 'Far dates')).token;
  });

  for (const path of ['/dashboard', '/reports/engagements', '/reports/coverage.csv', '/reports/engagements.csv', '/reports/cases.csv']) {
    for (const [field, value] of FAR) {
      it(`GET ${path}?${field}=${value}, as a director, answers 422 naming the field, never a 5xx`, async () => {
        const res = await agent.get(`${path}?${field}=${value}`).timeout(10_000);
        assert.equal(res.status, 422);
        assert.match(res.text, new RegExp(`“${field === 'from' ? 'From' : 'To'}” must be a date from 2000-01-01 to 2100-12-31`));
        assert.doesNotMatch(String(res.headers['content-type']), /text\/csv/);
      });
    }
  }

  for (const path of ['/api/v1/reports/coverage', '/api/v1/cases', '/api/v1/engagements']) {
    for (const [field, value] of FAR) {
      it(`GET ${path}?${field}=${value}, with a director's token, answers 400 naming the field`, async () => {
        const res = await request(app).get(`${path}?${field}=${value}`).set('Authorization', `Bearer ${bearer}`).timeout(10_000);
        assert.equal(res.status, 400);
        assert.deepEqual(
          res.body.errors.map((e: { field: string }) => e.field),
          [field],
        );
        assert.match(res.body.errors[0].message, /2000-01-01 to 2100-12-31/);
      });
    }
  }

  it('POST /requests, with a deadline of 9999-12-31, answers 422 with the value kept and a message at the field, and adds no case', async () => {
    const before = await caseCount();
    const { res } = await submitForm(app, requestForm({ deadline: '9999-12-31', preferred_start: '1999-01-01' }));
    assert.equal(res.status, 422);
    assert.match(errorAt(res.text, 'deadline') ?? '', /2000-01-01 to 2100-12-31/);
    assert.match(errorAt(res.text, 'preferred_start') ?? '', /2000-01-01 to 2100-12-31/);
    assert.equal(inputValue(res.text, 'deadline'), '9999-12-31');
    assert.equal(await caseCount(), before);
  });

  it('POST /api/v1/requests, with a deadline of 2101-01-01, answers 400 naming the field and adds no case', async () => {
    const before = await caseCount();
    const res = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ deadline: '2101-01-01' }));
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.errors.map((e: { field: string }) => e.field),
      ['deadline'],
    );
    assert.equal(await caseCount(), before);
  });

  it('GET /dashboard?from=2000-01-01&to=2100-12-31, the widest period allowed, answers 200', async () => {
    const res = await agent.get('/dashboard?from=2000-01-01&to=2100-12-31');
    assert.equal(res.status, 200);
    const csv = await agent.get('/reports/cases.csv?from=2000-01-01&to=2100-12-31');
    assert.equal(csv.status, 200);
    const api = await request(app).get('/api/v1/reports/coverage?from=2000-01-01&to=2100-12-31').set('Authorization', `Bearer ${bearer}`);
    assert.equal(api.status, 200);
  });
});
