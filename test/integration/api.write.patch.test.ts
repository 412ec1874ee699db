// Changing an engagement through the staff API: PATCH changes only what is sent, If-Match guards
// against a stale version (for a cancel too), and an empty or unknown field is refused.
import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { assertNothingStored, eventsOf, makeCase, storeEngagement } from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config, env } = apiWrites();

  it('PATCH /api/v1/engagements/{id} changes only the fields sent, keeps the others, and puts the change on the timeline', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id], location: 'Columbus' });
    const res = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${env.writeToken}`)
      .send({ duration_minutes: 120 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.duration_minutes, 120);
    assert.equal(res.body.location, 'Columbus');
    assert.equal(res.body.format, 'small_group');
    const [event] = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.deepEqual(event.before, { engagement_id: id, duration_minutes: 60 });
    assert.deepEqual(event.after, { engagement_id: id, duration_minutes: 120 });
  });

  it('PATCH with an If-Match that is no longer current answers 412 and changes nothing; with the current ETag it changes', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    const read = await request(app).get(`/api/v1/engagements/${id}`).set('Authorization', `Bearer ${env.readToken}`);
    assert.equal(read.status, 200);
    const etag = String(read.headers.etag);
    const changed = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${env.writeToken}`)
      .set('If-Match', etag)
      .send({ duration_minutes: 45 });
    assert.equal(changed.status, 200, changed.text);
    await assertNothingStored(ctx.db.knex, async () => {
      const stale = await request(app)
        .patch(`/api/v1/engagements/${id}`)
        .set('Authorization', `Bearer ${env.writeToken}`)
        .set('If-Match', etag)
        .send({ duration_minutes: 30 });
      assert.equal(stale.status, 412);
    });
    assert.equal(changed.headers.etag, `"v${changed.body.version}"`);
    assert.equal(changed.body.version, read.body.version + 1);
  });

  it('If-Match is checked by the service against the stored version: "*" and the current tag save, a stale or unreadable tag answers 412, and a cancel obeys it too', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    const patch = (tag: string, minutes: number) =>
      request(app)
        .patch(`/api/v1/engagements/${id}`)
        .set('Authorization', `Bearer ${env.writeToken}`)
        .set('If-Match', tag)
        .send({ duration_minutes: minutes });
    const any = await patch('*', 50);
    assert.equal(any.status, 200, any.text);
    assert.equal(any.body.version, 2);
    await assertNothingStored(ctx.db.knex, async () => {
      assert.equal((await patch('"v1"', 55)).status, 412);
      assert.equal((await patch('"not-a-version"', 55)).status, 412);
    });
    const current = await patch('W/"v2"', 70);
    assert.equal(current.status, 200, current.text);
    assert.equal(current.body.duration_minutes, 70);
    await assertNothingStored(ctx.db.knex, async () => {
      const staleCancel = await request(app)
        .post(`/api/v1/engagements/${id}/cancel`)
        .set('Authorization', `Bearer ${env.writeToken}`)
        .set('If-Match', '"v2"');
      assert.equal(staleCancel.status, 412);
    });
    const cancel = await request(app)
      .post(`/api/v1/engagements/${id}/cancel`)
      .set('Authorization', `Bearer ${env.writeToken}`)
      .set('If-Match', '"v3"');
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.status, 'cancelled');
  });

  it('PATCH with an empty object or an unknown field answers 400 naming it', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    const unknown = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${env.writeToken}`)
      .send({ colour: 'blue' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.errors.map((e: { field: string }) => e.field),
      ['colour'],
    );
    const empty = await request(app).patch(`/api/v1/engagements/${id}`).set('Authorization', `Bearer ${env.writeToken}`).send({});
    assert.equal(empty.status, 400);
  });
});
