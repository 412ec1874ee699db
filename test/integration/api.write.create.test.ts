// Creating through the staff API with a write token: an engagement or a note is recorded as the
// web form records it, on the timeline, and refused with the form's own messages.
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { assertNothingStored, daysFromToday, engagementForm, eventsOf, makeCase, postForm, staffAgent } from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config, env, engagement, post } = apiWrites();

  it('POST /api/v1/cases/{reference}/engagements, with a write token, records the engagement as the form does and puts it on the timeline', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const res = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement());
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.case_reference, kase.reference);
    assert.equal(res.body.status, 'scheduled');
    assert.deepEqual(res.body.consultant_ids, [env.consultant.id]);
    assert.equal(res.headers.location, `/api/v1/engagements/${res.body.id}`);
    assert.equal(res.headers.etag, `"v${res.body.version}"`);
    assert.equal(res.body.version, 1);
    const events = await eventsOf(ctx.db.knex, kase.id, 'engagement.added');
    assert.equal(events.length, 1);
    assert.equal(events[0].actor_user_id, env.director.id);
    assert.equal(events[0].after?.engagement_id, res.body.id);
  });

  it('POST …/engagements with wrong values answers 400 naming each field, with the messages of the form, and stores nothing', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    await assertNothingStored(ctx.db.knex, async () => {
      const res = await post(
        `/api/v1/cases/${kase.reference}/engagements`,
        engagement({ duration_minutes: 1000, format: 'carrier pigeon', jurisdictions: [] }),
      );
      assert.equal(res.status, 400);
      const fields = Object.fromEntries(res.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
      assert.deepEqual(Object.keys(fields).sort(), ['duration_minutes', 'format', 'jurisdictions']);
      assert.equal(fields.duration_minutes, 'Duration in minutes must be between 5 and 600');
    });
  });

  it("the rules beyond the schema are the form's: a delivered engagement without notes or a count is refused by the API and by the form alike", async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const api = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement({ status: 'delivered', date: daysFromToday(-3) }));
    assert.equal(api.status, 400);
    const apiFields = api.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(apiFields, ['participant_count', 'summary']);
    const agent = await staffAgent(app, env.director);
    const form = await postForm(
      agent,
      `/cases/${kase.id}/engagements`,
      engagementForm([env.consultant], { status: 'delivered', date: daysFromToday(-3), participant_count: '', summary: '' }),
    );
    assert.equal(form.status, 422);
    for (const e of api.body.errors as { message: string }[])
      assert.ok(form.text.includes(e.message), `the form says it too: ${e.message}`);
  });

  it('POST /api/v1/cases/{reference}/notes adds the note and its timeline event, as the case page does', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    const res = await post(`/api/v1/cases/${kase.reference}/notes`, { body: '  Called the chair.  ' });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body, { case_reference: kase.reference, body: 'Called the chair.' });
    const [event] = await eventsOf(ctx.db.knex, kase.id, 'case.note_added');
    assert.deepEqual(event.after, { body: 'Called the chair.' });
    const blank = await post(`/api/v1/cases/${kase.reference}/notes`, { body: '   ' });
    assert.equal(blank.status, 400);
    assert.deepEqual(
      blank.body.errors.map((e: { field: string }) => e.field),
      ['body'],
    );
  });
});
