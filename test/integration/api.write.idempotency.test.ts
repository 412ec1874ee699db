// The Idempotency-Key on staff API writes: a repeat gives the first answer back and writes once,
// another body under the same key is refused, and a failed write frees the key.
import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { eventsOf, makeCase, storeEngagement } from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config, env, engagement, post } = apiWrites();

  it('POST …/engagements with the same Idempotency-Key twice records one engagement and gives the first answer back', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const first = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement()).set('Idempotency-Key', 'key-engagement-1');
    const again = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement()).set('Idempotency-Key', 'key-engagement-1');
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.headers.location, first.headers.location);
    assert.deepEqual(again.body, first.body);
    assert.equal((await ctx.db.knex('engagements').where({ case_id: kase.id })).length, 1);
    const other = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement({ duration_minutes: 90 })).set(
      'Idempotency-Key',
      'key-engagement-1',
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    assert.equal((await ctx.db.knex('engagements').where({ case_id: kase.id })).length, 1);
  });

  it('POST …/notes and …/cancel honour the Idempotency-Key: one note, one cancellation event', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await post(`/api/v1/cases/${kase.reference}/notes`, { body: 'Called the chair.' }).set('Idempotency-Key', 'note-1')).status,
        201,
      );
    assert.equal((await ctx.db.knex('case_notes').where({ case_id: kase.id })).length, 1);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'case.note_added')).length, 1);
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    for (let i = 0; i < 2; i += 1) {
      const res = await request(app)
        .post(`/api/v1/engagements/${id}/cancel`)
        .set('Authorization', `Bearer ${env.writeToken}`)
        .set('Idempotency-Key', 'cancel-1');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'cancelled');
    }
    const cancellations = (await eventsOf(ctx.db.knex, kase.id, 'engagement.updated')).filter((e) => e.after?.status === 'cancelled');
    assert.equal(cancellations.length, 1);
  });

  it('a failed write frees its Idempotency-Key, so that the corrected call can use it', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const bad = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement({ duration_minutes: 1 })).set(
      'Idempotency-Key',
      'retry-1',
    );
    assert.equal(bad.status, 400);
    const good = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement()).set('Idempotency-Key', 'retry-1');
    assert.equal(good.status, 201, good.text);
  });
});
