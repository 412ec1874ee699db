import assert from 'node:assert/strict';
import request from 'supertest';
import { encodeForm } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { apiTokens } from '../helpers/api-tokens';

describeEachEngine('API tokens', (ctx) => {
  const { app, api, director, createToken, tokenCount } = apiTokens(ctx);

  it('GET and POST /admin/tokens, as a consultant, answer 403 and create no token', async () => {
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    const csrf = await consultant.csrf();
    const before = await tokenCount();
    assert.equal((await consultant.get('/admin/tokens')).status, 403);
    const res = await consultant
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: csrf, name: 'Mine' }));
    assert.equal(res.status, 403);
    assert.equal(await tokenCount(), before);
  });

  it('POST /admin/tokens/:id/revoke, as a consultant, answers 403 and the token keeps working', async () => {
    const d = await director();
    const { token, row } = await createToken(d);
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    const csrf = await consultant.csrf();
    const res = await consultant
      .post(`/admin/tokens/${row.id}/revoke`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, confirm: 'yes' }));
    assert.equal(res.status, 403);
    assert.equal((await ctx.db.knex('api_tokens').where({ id: row.id }).first()).revoked_at, null);
    assert.equal((await api('/api/v1/cases', token)).status, 200);
  });

  it('GET /admin/tokens, signed out, answers 401; POST answers 401 or 403 and creates no token', async () => {
    const before = await tokenCount();
    assert.equal((await request(app).get('/admin/tokens')).status, 401);
    const res = await request(app)
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ name: 'Anonymous' }));
    assert.ok([401, 403].includes(res.status), `status ${res.status}`);
    assert.equal(await tokenCount(), before);
  });
});
