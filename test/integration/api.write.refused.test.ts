// Writes the staff API refuses: without a token, with a revoked or read-only one, with a former
// director's, sent as a form, or on a case that is closed or unknown.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApiToken } from '../../server/services/token.service';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { assertNothingStored, makeCase, storeEngagement } from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config, env, engagement, post } = apiWrites();

  it('POST /api/v1/cases/{reference}/engagements, with a read token, answers 403 and changes nothing', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    await assertNothingStored(ctx.db.knex, async () => {
      const res = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement(), env.readToken);
      assert.equal(res.status, 403, res.text);
      assert.match(res.body.error.message, /only read/);
    });
  });

  it('every write, without a token or with a revoked one, answers 401; with a read token, 403', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    const revoked = await createApiToken(env.director, 'Old tool', 'write');
    await ctx.db.knex('api_tokens').where({ id: revoked.id }).update({ revoked_at: new Date().toISOString() });
    const calls = [
      (t?: string) =>
        (t
          ? request(app).post(`/api/v1/cases/${kase.reference}/engagements`).set('Authorization', `Bearer ${t}`)
          : request(app).post(`/api/v1/cases/${kase.reference}/engagements`)
        ).send(engagement()),
      (t?: string) =>
        (t
          ? request(app).post(`/api/v1/cases/${kase.reference}/notes`).set('Authorization', `Bearer ${t}`)
          : request(app).post(`/api/v1/cases/${kase.reference}/notes`)
        ).send({ body: 'x' }),
      (t?: string) =>
        (t
          ? request(app).patch(`/api/v1/engagements/${id}`).set('Authorization', `Bearer ${t}`)
          : request(app).patch(`/api/v1/engagements/${id}`)
        ).send({ duration_minutes: 30 }),
      (t?: string) =>
        t
          ? request(app).post(`/api/v1/engagements/${id}/cancel`).set('Authorization', `Bearer ${t}`)
          : request(app).post(`/api/v1/engagements/${id}/cancel`),
    ];
    await assertNothingStored(ctx.db.knex, async () => {
      for (const call of calls) {
        assert.equal((await call()).status, 401);
        assert.equal((await call(revoked.token)).status, 401);
        assert.equal((await call(env.readToken)).status, 403);
      }
    });
  });

  it("a write token whose director is now a consultant answers 401: the token is the director's, not the tool's", async () => {
    const former = await makeUser({ role: 'director' });
    const { token } = await createApiToken(former, 'Tool', 'write');
    await ctx.db.knex('users').where({ id: former.id }).update({ role: 'consultant' });
    const kase = await makeCase(config, { lead: env.consultant });
    const res = await post(`/api/v1/cases/${kase.reference}/notes`, { body: 'A note' }, token);
    assert.equal(res.status, 401);
  });

  it('POST …/engagements on a declined case answers 409; on an unknown case, 404', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    await ctx.db.knex('cases').where({ id: kase.id }).update({ status: 'declined' });
    assert.equal((await post(`/api/v1/cases/${kase.reference}/engagements`, engagement())).status, 409);
    assert.equal((await post('/api/v1/cases/TA-1999-9999/engagements', engagement())).status, 404);
  });

  it('a write sent as a form (not JSON) answers 415', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const res = await request(app)
      .post(`/api/v1/cases/${kase.reference}/notes`)
      .set('Authorization', `Bearer ${env.writeToken}`)
      .type('form')
      .send('body=hello');
    assert.equal(res.status, 415);
  });
});
