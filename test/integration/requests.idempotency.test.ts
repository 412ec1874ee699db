import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, formAgent, testApp } from '../helpers/app';
import { requestForm, requestPayload } from '../helpers/factories';
import { assertStoresNothing, countRows, intakeSnapshot } from '../helpers/store';

const newKey = () => crypto.randomBytes(16).toString('base64url');

describeEachEngine('Repeated submissions', (ctx) => {
  const { app } = testApp();
  async function countWithKey(key: string): Promise<number> {
    const [{ n }] = await ctx.db.knex('cases').where({ idempotency_key: key }).count({ n: '*' });
    return Number(n);
  }

  describe('the form', () => {
    it('POST /requests, sent twice with the same idempotency key, redirects both times to the same status page and keeps one case', async () => {
      const form = requestForm();
      const { agent, token } = await formAgent(app, '/requests/new');
      const before = await intakeSnapshot(ctx.db.knex);
      const first = await agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, _csrf: token }));
      const second = await agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, _csrf: token }));
      assert.equal(first.status, 303, first.text);
      assert.equal(second.status, 303, second.text);
      assert.match(first.headers.location, /^\/status\//);
      assert.equal(second.headers.location, first.headers.location);
      const after = await intakeSnapshot(ctx.db.knex);
      assert.equal(after.cases, before.cases + 1);
      assert.equal(after.case_events, before.case_events + 1);
      assert.equal(await countWithKey(String(form.idempotency_key)), 1);
      await agent.get(second.headers.location).expect(200);
    });

    it('POST /requests, sent twice at once with the same idempotency key, keeps one case and redirects both to it', async () => {
      const form = requestForm();
      const { agent, token } = await formAgent(app, '/requests/new');
      const before = await intakeSnapshot(ctx.db.knex);
      const answers = await Promise.all(
        [0, 1].map(() =>
          agent
            .post('/requests')
            .type('form')
            .send(encodeForm({ ...form, _csrf: token })),
        ),
      );
      for (const res of answers) assert.equal(res.status, 303, res.text);
      assert.equal(answers[1].headers.location, answers[0].headers.location);
      const after = await intakeSnapshot(ctx.db.knex);
      assert.equal(after.cases, before.cases + 1);
      assert.equal(after.case_events, before.case_events + 1);
    });

    it('POST /requests, with a used idempotency key and a different request, answers 409 and stores nothing new', async () => {
      const form = requestForm();
      const { agent, token } = await formAgent(app, '/requests/new');
      await agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, _csrf: token }))
        .expect(303);
      const res = await assertStoresNothing(ctx.db.knex, () =>
        agent
          .post('/requests')
          .type('form')
          .send(encodeForm({ ...form, title: 'Something else entirely', _csrf: token })),
      );
      assert.equal(res.status, 409);
      assert.match(res.text, /already used for a different request/);
      assert.equal(await countWithKey(String(form.idempotency_key)), 1);
    });

    it('POST /requests, with two different idempotency keys and the same content, creates two cases', async () => {
      const form = requestForm();
      const { agent, token } = await formAgent(app, '/requests/new');
      const before = await countRows(ctx.db.knex, 'cases');
      const a = await agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, idempotency_key: newKey(), _csrf: token }));
      const b = await agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, idempotency_key: newKey(), _csrf: token }));
      assert.equal(a.status, 303);
      assert.equal(b.status, 303);
      assert.notEqual(a.headers.location, b.headers.location);
      assert.equal(await countRows(ctx.db.knex, 'cases'), before + 2);
    });
  });

  describe('the API', () => {
    it('POST /api/v1/requests, sent twice with the same Idempotency-Key, answers with the same reference and status URL and keeps one case', async () => {
      const key = newKey();
      const payload = requestPayload();
      const before = await intakeSnapshot(ctx.db.knex);
      const first = await request(app).post('/api/v1/requests').set('Idempotency-Key', key).send(payload);
      const second = await request(app).post('/api/v1/requests').set('Idempotency-Key', key).send(payload);
      assert.equal(first.status, 201, first.text);
      assert.equal(second.status, 201, second.text);
      assert.deepEqual(second.body, first.body);
      const after = await intakeSnapshot(ctx.db.knex);
      assert.equal(after.cases, before.cases + 1);
      assert.equal(after.case_topics, before.case_topics + (payload.topics as string[]).length);
      assert.equal(await countWithKey(key), 1);
      await request(app).get(new URL(second.body.status_url).pathname).expect(200);
    });

    it('POST /api/v1/requests, with the same Idempotency-Key and a different payload, answers 409 and stores nothing new', async () => {
      const key = newKey();
      await request(app).post('/api/v1/requests').set('Idempotency-Key', key).send(requestPayload()).expect(201);
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app)
          .post('/api/v1/requests')
          .set('Idempotency-Key', key)
          .send(requestPayload({ expected_participants: 13 })),
      );
      assert.equal(res.status, 409, res.text);
      assert.equal(res.body.error.code, 'conflict');
    });

    it('POST /api/v1/requests, sent twice at once with the same Idempotency-Key, keeps one case and gives both the same reference', async () => {
      const key = newKey();
      const payload = requestPayload();
      const before = await intakeSnapshot(ctx.db.knex);
      const answers = await Promise.all([0, 1].map(() => request(app).post('/api/v1/requests').set('Idempotency-Key', key).send(payload)));
      for (const res of answers) assert.equal(res.status, 201, res.text);
      assert.equal(answers[1].body.reference, answers[0].body.reference);
      assert.equal(answers[1].body.status_url, answers[0].body.status_url);
      const after = await intakeSnapshot(ctx.db.knex);
      assert.equal(after.cases, before.cases + 1);
      assert.equal(after.case_events, before.case_events + 1);
    });

    it('POST /api/v1/requests, after a lost race for an idempotency key, leaves no gap in the references', async () => {
      const key = newKey();
      const payload = requestPayload();
      await Promise.all([0, 1, 2].map(() => request(app).post('/api/v1/requests').set('Idempotency-Key', key).send(payload).expect(201)));
      const a = await request(app).post('/api/v1/requests').send(requestPayload()).expect(201);
      const raced = await ctx.db.knex('cases').where({ idempotency_key: key }).first();
      const seq = (ref: string) => Number(ref.slice(-4));
      assert.equal(seq(a.body.reference), seq(raced.reference) + 1, 'the losers gave their reference numbers back');
    });

    it('POST /api/v1/requests, with idempotency_key in the body, replays like the header', async () => {
      const payload = requestPayload({ idempotency_key: newKey() });
      const first = await request(app).post('/api/v1/requests').send(payload).expect(201);
      const second = await request(app).post('/api/v1/requests').send(payload).expect(201);
      assert.equal(second.body.reference, first.body.reference);
    });

    it('POST /api/v1/requests, with the same content and no key, creates two cases', async () => {
      const payload = requestPayload();
      const first = await request(app).post('/api/v1/requests').send(payload).expect(201);
      const second = await request(app).post('/api/v1/requests').send(payload).expect(201);
      assert.notEqual(second.body.reference, first.body.reference);
      assert.notEqual(second.body.status_url, first.body.status_url);
    });

    it('POST /api/v1/requests, with a malformed Idempotency-Key header, answers 400 naming idempotency_key and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Idempotency-Key', 'bad key!').send(requestPayload()),
      );
      assert.equal(res.status, 400);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        ['idempotency_key'],
      );
    });
  });
  describe('a replay from another address', () => {
    // Behind one proxy hop, X-Forwarded-For names the client.
    const proxied = testApp({ TRUST_PROXY: '1' }).app;
    const from = (address: string) => (req: request.Test) => req.set('X-Forwarded-For', address);

    it('POST /api/v1/requests, replayed with the same Idempotency-Key and body from another address, answers 200 with the reference and no status link, and keeps one case', async () => {
      const key = newKey();
      const payload = requestPayload();
      const first = await request(proxied).post('/api/v1/requests').use(from('198.51.100.7')).set('Idempotency-Key', key).send(payload);
      assert.equal(first.status, 201);
      const token = String(first.body.status_url).split('/status/')[1];
      const other = await request(proxied).post('/api/v1/requests').use(from('203.0.113.99')).set('Idempotency-Key', key).send(payload);
      assert.equal(other.status, 200);
      assert.deepEqual(other.body, { reference: first.body.reference });
      assert.ok(!other.text.includes(token), 'the status token is nowhere in the answer');
      assert.equal(await countWithKey(key), 1);
      const same = await request(proxied).post('/api/v1/requests').use(from('198.51.100.7')).set('Idempotency-Key', key).send(payload);
      assert.equal(same.status, 201, 'the first address still gets its link back');
      assert.equal(same.body.status_url, first.body.status_url);
    });

    it('POST /requests, replayed with the same key and form from another address, redirects to the "received" page, not to the status page', async () => {
      const form = requestForm();
      const first = await formAgent(proxied, '/requests/new');
      const made = await first.agent
        .post('/requests')
        .use(from('198.51.100.8'))
        .type('form')
        .send(encodeForm({ ...form, _csrf: first.token }));
      assert.equal(made.status, 303);
      assert.match(made.headers.location, /^\/status\//);
      const second = await formAgent(proxied, '/requests/new');
      const replay = await second.agent
        .post('/requests')
        .use(from('203.0.113.98'))
        .type('form')
        .send(encodeForm({ ...form, _csrf: second.token }));
      assert.equal(replay.status, 303);
      assert.equal(replay.headers.location, '/requests/received');
      assert.equal(await countWithKey(String(form.idempotency_key)), 1);
    });

    it('POST /api/v1/requests, with a key, stores a keyed hash of the address and never the address itself', async () => {
      const key = newKey();
      await request(proxied)
        .post('/api/v1/requests')
        .use(from('198.51.100.77'))
        .set('Idempotency-Key', key)
        .send(requestPayload())
        .expect(201);
      const row = await ctx.db.knex('cases').where({ idempotency_key: key }).first();
      assert.match(String(row.idempotency_client), /^[A-Za-z0-9_-]{43}$/);
      assert.ok(!JSON.stringify(row).includes('198.51.100.77'));
    });
  });
});
