import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { createApiToken } from '../../server/services/token.service';
import { testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import {
  assertNothingStored,
  daysFromToday,
  engagementForm,
  eventsOf,
  makeCase,
  postForm,
  staffAgent,
  storeEngagement,
} from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config } = testApp();
  let director: TestUser;
  let consultant: TestUser;
  let writeToken: string;
  let readToken: string;

  before(async () => {
    director = await makeUser({ role: 'director' });
    consultant = await makeUser({ role: 'consultant' });
    writeToken = (await createApiToken(director, 'Staff tool', 'write')).token;
    readToken = (await createApiToken(director, 'Report workbook', 'read')).token;
  });

  const engagement = (overrides: Record<string, unknown> = {}) => ({
    status: 'scheduled',
    date: daysFromToday(7),
    start_time: '10:00',
    duration_minutes: 60,
    format: 'small_group',
    consultant_ids: [consultant.id],
    jurisdictions: ['OH'],
    topics: ['equity-lens'],
    ...overrides,
  });
  const post = (path: string, body: unknown, token = writeToken) =>
    request(app)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  it('POST /api/v1/cases/{reference}/engagements, with a write token, records the engagement as the form does and puts it on the timeline', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const res = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement());
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.case_reference, kase.reference);
    assert.equal(res.body.status, 'scheduled');
    assert.deepEqual(res.body.consultant_ids, [consultant.id]);
    assert.equal(res.headers.location, `/api/v1/engagements/${res.body.id}`);
    assert.equal(res.headers.etag, `"v${res.body.version}"`);
    assert.equal(res.body.version, 1);
    const events = await eventsOf(ctx.db.knex, kase.id, 'engagement.added');
    assert.equal(events.length, 1);
    assert.equal(events[0].actor_user_id, director.id);
    assert.equal(events[0].after?.engagement_id, res.body.id);
  });

  it('POST /api/v1/cases/{reference}/engagements, with a read token, answers 403 and changes nothing', async () => {
    const kase = await makeCase(config, { lead: consultant });
    await assertNothingStored(ctx.db.knex, async () => {
      const res = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement(), readToken);
      assert.equal(res.status, 403, res.text);
      assert.match(res.body.error.message, /only read/);
    });
  });

  it('every write, without a token or with a revoked one, answers 401; with a read token, 403', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const revoked = await createApiToken(director, 'Old tool', 'write');
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
        assert.equal((await call(readToken)).status, 403);
      }
    });
  });

  it("a write token whose director is now a consultant answers 401: the token is the director's, not the tool's", async () => {
    const former = await makeUser({ role: 'director' });
    const { token } = await createApiToken(former, 'Tool', 'write');
    await ctx.db.knex('users').where({ id: former.id }).update({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const res = await post(`/api/v1/cases/${kase.reference}/notes`, { body: 'A note' }, token);
    assert.equal(res.status, 401);
  });

  it('POST …/engagements with the same Idempotency-Key twice records one engagement and gives the first answer back', async () => {
    const kase = await makeCase(config, { lead: consultant });
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
    const kase = await makeCase(config, { lead: consultant });
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await post(`/api/v1/cases/${kase.reference}/notes`, { body: 'Called the chair.' }).set('Idempotency-Key', 'note-1')).status,
        201,
      );
    assert.equal((await ctx.db.knex('case_notes').where({ case_id: kase.id })).length, 1);
    assert.equal((await eventsOf(ctx.db.knex, kase.id, 'case.note_added')).length, 1);
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    for (let i = 0; i < 2; i += 1) {
      const res = await request(app)
        .post(`/api/v1/engagements/${id}/cancel`)
        .set('Authorization', `Bearer ${writeToken}`)
        .set('Idempotency-Key', 'cancel-1');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'cancelled');
    }
    const cancellations = (await eventsOf(ctx.db.knex, kase.id, 'engagement.updated')).filter((e) => e.after?.status === 'cancelled');
    assert.equal(cancellations.length, 1);
  });

  it('a failed write frees its Idempotency-Key, so that the corrected call can use it', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const bad = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement({ duration_minutes: 1 })).set(
      'Idempotency-Key',
      'retry-1',
    );
    assert.equal(bad.status, 400);
    const good = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement()).set('Idempotency-Key', 'retry-1');
    assert.equal(good.status, 201, good.text);
  });

  it('POST …/engagements with wrong values answers 400 naming each field, with the messages of the form, and stores nothing', async () => {
    const kase = await makeCase(config, { lead: consultant });
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
    const kase = await makeCase(config, { lead: consultant });
    const api = await post(`/api/v1/cases/${kase.reference}/engagements`, engagement({ status: 'delivered', date: daysFromToday(-3) }));
    assert.equal(api.status, 400);
    const apiFields = api.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(apiFields, ['participant_count', 'summary']);
    const agent = await staffAgent(app, director);
    const form = await postForm(
      agent,
      `/cases/${kase.id}/engagements`,
      engagementForm([consultant], { status: 'delivered', date: daysFromToday(-3), participant_count: '', summary: '' }),
    );
    assert.equal(form.status, 422);
    for (const e of api.body.errors as { message: string }[])
      assert.ok(form.text.includes(e.message), `the form says it too: ${e.message}`);
  });

  it('POST …/engagements on a declined case answers 409; on an unknown case, 404', async () => {
    const kase = await makeCase(config, { lead: consultant });
    await ctx.db.knex('cases').where({ id: kase.id }).update({ status: 'declined' });
    assert.equal((await post(`/api/v1/cases/${kase.reference}/engagements`, engagement())).status, 409);
    assert.equal((await post('/api/v1/cases/TA-1999-9999/engagements', engagement())).status, 404);
  });

  it('a write sent as a form (not JSON) answers 415', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const res = await request(app)
      .post(`/api/v1/cases/${kase.reference}/notes`)
      .set('Authorization', `Bearer ${writeToken}`)
      .type('form')
      .send('body=hello');
    assert.equal(res.status, 415);
  });

  it('PATCH /api/v1/engagements/{id} changes only the fields sent, keeps the others, and puts the change on the timeline', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id], location: 'Columbus' });
    const res = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${writeToken}`)
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
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const read = await request(app).get(`/api/v1/engagements/${id}`).set('Authorization', `Bearer ${readToken}`);
    assert.equal(read.status, 200);
    const etag = String(read.headers.etag);
    const changed = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${writeToken}`)
      .set('If-Match', etag)
      .send({ duration_minutes: 45 });
    assert.equal(changed.status, 200, changed.text);
    await assertNothingStored(ctx.db.knex, async () => {
      const stale = await request(app)
        .patch(`/api/v1/engagements/${id}`)
        .set('Authorization', `Bearer ${writeToken}`)
        .set('If-Match', etag)
        .send({ duration_minutes: 30 });
      assert.equal(stale.status, 412);
    });
    assert.equal(changed.headers.etag, `"v${changed.body.version}"`);
    assert.equal(changed.body.version, read.body.version + 1);
  });

  it('If-Match is checked by the service against the stored version: "*" and the current tag save, a stale or unreadable tag answers 412, and a cancel obeys it too', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const patch = (tag: string, minutes: number) =>
      request(app)
        .patch(`/api/v1/engagements/${id}`)
        .set('Authorization', `Bearer ${writeToken}`)
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
        .set('Authorization', `Bearer ${writeToken}`)
        .set('If-Match', '"v2"');
      assert.equal(staleCancel.status, 412);
    });
    const cancel = await request(app)
      .post(`/api/v1/engagements/${id}/cancel`)
      .set('Authorization', `Bearer ${writeToken}`)
      .set('If-Match', '"v3"');
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.status, 'cancelled');
  });

  it('PATCH with an empty object or an unknown field answers 400 naming it', async () => {
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const unknown = await request(app)
      .patch(`/api/v1/engagements/${id}`)
      .set('Authorization', `Bearer ${writeToken}`)
      .send({ colour: 'blue' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.errors.map((e: { field: string }) => e.field),
      ['colour'],
    );
    const empty = await request(app).patch(`/api/v1/engagements/${id}`).set('Authorization', `Bearer ${writeToken}`).send({});
    assert.equal(empty.status, 400);
  });

  it('POST /api/v1/cases/{reference}/notes adds the note and its timeline event, as the case page does', async () => {
    const kase = await makeCase(config, { lead: consultant });
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

  it('GET /api/v1/cases?per_page=500 answers 400 naming per_page with its range; per_page=abc says it must be a whole number', async () => {
    const big = await request(app).get('/api/v1/cases?per_page=500').set('Authorization', `Bearer ${readToken}`);
    assert.equal(big.status, 400);
    assert.deepEqual(big.body.errors, [{ field: 'per_page', message: 'per_page must be between 1 and 200' }]);
    const word = await request(app).get('/api/v1/cases?per_page=abc').set('Authorization', `Bearer ${readToken}`);
    assert.deepEqual(word.body.errors, [{ field: 'per_page', message: 'per_page must be a whole number' }]);
    const unknown = await request(app).get('/api/v1/cases?colour=blue').set('Authorization', `Bearer ${readToken}`);
    assert.deepEqual(unknown.body.errors, [{ field: 'colour', message: 'colour is not a recognised field' }]);
  });

  it('GET /api/v1/engagements gives Link headers to the first, next and last pages, keeping the filters', async () => {
    const kase = await makeCase(config, { lead: consultant });
    for (let i = 0; i < 3; i += 1)
      await storeEngagement(kase.id, director, {
        consultant_ids: [consultant.id],
        status: 'delivered',
        date: daysFromToday(-5 - i),
        participant_count: 3,
        summary: 'Done',
      });
    const res = await request(app).get('/api/v1/engagements?per_page=1&track=ta').set('Authorization', `Bearer ${readToken}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.total >= 3);
    const link = String(res.headers.link);
    assert.match(link, /<\/api\/v1\/engagements\?per_page=1&track=ta&page=2>; rel="next"/);
    assert.match(link, /rel="first"/);
    assert.match(link, new RegExp(`page=${res.body.total}>; rel="last"`));
    assert.doesNotMatch(link, /rel="prev"/);
  });

  it('the write endpoints, given generated bodies with a write token (valid bodies with fields replaced by any JSON), never answer 5xx, and a refusal stores nothing', async function () {
    this.timeout(120_000);
    const kase = await makeCase(config, { lead: consultant });
    const id = await storeEngagement(kase.id, director, { consultant_ids: [consultant.id] });
    const keys = [
      'date',
      'start_time',
      'duration_minutes',
      'format',
      'status',
      'consultant_ids',
      'participant_count',
      'jurisdictions',
      'attendees',
      'topics',
      'summary',
      'follow_up_date',
      'meeting_url',
      'body',
      'extra',
    ];
    const send = (method: 'post' | 'patch', path: string, body: unknown) => {
      const agent = request(app);
      return (method === 'post' ? agent.post(path) : agent.patch(path))
        .set('Authorization', `Bearer ${writeToken}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    };
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
        fc.boolean(),
        async (changes, whole) => {
          const body = whole ? changes : { ...engagement(), ...changes };
          for (const [method, path] of [
            ['post', `/api/v1/cases/${kase.reference}/engagements`],
            ['patch', `/api/v1/engagements/${id}`],
            ['post', `/api/v1/cases/${kase.reference}/notes`],
          ] as const) {
            const before = JSON.stringify(await ctx.db.knex('case_events').where({ case_id: kase.id }).count({ n: '*' }));
            const res = await send(method, path, body);
            assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
            if (res.status >= 400)
              assert.equal(
                JSON.stringify(await ctx.db.knex('case_events').where({ case_id: kase.id }).count({ n: '*' })),
                before,
                `${method} ${path} refused but wrote`,
              );
          }
        },
      ),
      { numRuns: 60, seed: 2026120519 },
    );
  });
});
