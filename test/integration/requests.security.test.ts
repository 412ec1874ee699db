import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, formAgent, submitForm, testApp } from '../helpers/app';
import { requestForm, requestPayload } from '../helpers/factories';
import { assertStoresNothing, countRows } from '../helpers/store';

const EVIL = 'https://evil.example';

describeEachEngine('Public intake security: submissions', (ctx) => {
  const { app } = testApp();

  describe('cross-site requests', () => {
    it('POST /requests, without a CSRF token, answers 403 and stores nothing', async () => {
      const { agent } = await formAgent(app, '/requests/new');
      const res = await assertStoresNothing(ctx.db.knex, () => agent.post('/requests').type('form').send(encodeForm(requestForm())));
      assert.equal(res.status, 403);
      assert.match(res.text, /Access denied/);
    });

    it('POST /requests, with a wrong CSRF token, answers 403 and stores nothing', async () => {
      const { agent, token } = await formAgent(app, '/requests/new');
      const wrong = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const res = await assertStoresNothing(ctx.db.knex, () =>
        agent
          .post('/requests')
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: wrong })),
      );
      assert.equal(res.status, 403);
    });

    it('POST /requests, with a token from a page but without its cookie, answers 403 and stores nothing', async () => {
      const { token } = await formAgent(app, '/requests/new');
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app)
          .post('/requests')
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: token })),
      );
      assert.equal(res.status, 403);
    });

    it('POST /requests, with a valid token but from another site (Origin), answers 403 and stores nothing', async () => {
      const { agent, token } = await formAgent(app, '/requests/new');
      const res = await assertStoresNothing(ctx.db.knex, () =>
        agent
          .post('/requests')
          .set('Origin', EVIL)
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: token })),
      );
      assert.equal(res.status, 403);
    });

    it('POST /requests, with a valid token but Sec-Fetch-Site cross-site, answers 403 and stores nothing', async () => {
      const { agent, token } = await formAgent(app, '/requests/new');
      const res = await assertStoresNothing(ctx.db.knex, () =>
        agent
          .post('/requests')
          .set('Sec-Fetch-Site', 'cross-site')
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: token })),
      );
      assert.equal(res.status, 403);
    });

    it('POST /requests, with a valid token from our own origin, is accepted', async () => {
      const { agent, token } = await formAgent(app, '/requests/new');
      const before = await countRows(ctx.db.knex, 'cases');
      const res = await agent
        .post('/requests')
        .set({ Origin: 'http://leep.test', 'Sec-Fetch-Site': 'same-origin' })
        .type('form')
        .send(encodeForm({ ...requestForm(), _csrf: token }));
      assert.equal(res.status, 303, res.text);
      assert.equal(await countRows(ctx.db.knex, 'cases'), before + 1);
    });

    it('POST /api/v1/requests, with Origin https://evil.example, answers 403 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Origin', EVIL).send(requestPayload()),
      );
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'forbidden');
    });

    it('POST /api/v1/requests, with Origin null (a sandboxed page), answers 403 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Origin', 'null').send(requestPayload()),
      );
      assert.equal(res.status, 403);
    });

    it('POST /api/v1/requests, from a sibling subdomain (Sec-Fetch-Site same-site, another Origin), answers 403 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app)
          .post('/api/v1/requests')
          .set({ Origin: 'http://evil.leep.test', 'Sec-Fetch-Site': 'same-site' })
          .send(requestPayload()),
      );
      assert.equal(res.status, 403);
    });

    it('POST /api/v1/requests, with Sec-Fetch-Site cross-site, answers 403 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Sec-Fetch-Site', 'cross-site').send(requestPayload()),
      );
      assert.equal(res.status, 403);
    });

    it('POST /api/v1/requests, with our own Origin and Sec-Fetch-Site same-origin, is accepted', async () => {
      const res = await request(app)
        .post('/api/v1/requests')
        .set({ Origin: 'http://leep.test', 'Sec-Fetch-Site': 'same-origin' })
        .send(requestPayload());
      assert.equal(res.status, 201, res.text);
    });
  });

  describe('the honeypot', () => {
    it('POST /requests, with the hidden website field filled in, redirects 303 to /requests/received and stores nothing', async () => {
      const { res, agent } = await assertStoresNothing(ctx.db.knex, () =>
        submitForm(app, { ...requestForm(), website: 'http://cheap-pills.example' }),
      );
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, '/requests/received');
      const page = await agent.get('/requests/received');
      assert.equal(page.status, 200);
      assert.match(page.text, /Your request has been received/);
    });

    it('POST /requests, with the website field filled in and other fields wrong, still redirects 303 to /requests/received and stores nothing', async () => {
      const { res } = await assertStoresNothing(ctx.db.knex, () =>
        submitForm(app, { ...requestForm({ email: 'bot', title: 'x'.repeat(500) }), website: 'w'.repeat(600) }),
      );
      assert.equal(res.status, 303, res.text.slice(0, 300));
      assert.equal(res.headers.location, '/requests/received');
    });

    it('POST /api/v1/requests, with website filled in, answers 400 naming website and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app)
          .post('/api/v1/requests')
          .send(requestPayload({ website: 'http://spam.example' })),
      );
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        ['website'],
      );
    });

    it('POST /api/v1/requests, with website filled in and other fields wrong, answers 400 naming only website', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app)
          .post('/api/v1/requests')
          .send(requestPayload({ website: 'w'.repeat(600), email: 'bot', extra: true })),
      );
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        ['website'],
      );
    });

    it('POST /api/v1/requests, with website empty, is accepted', async () => {
      const res = await request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ website: '' }));
      assert.equal(res.status, 201, res.text);
    });
  });

  describe('the rate limit', () => {
    // On PostgreSQL the counters are shared by every app on the database (as by instances): each test starts at zero.
    beforeEach(async () => {
      await ctx.db.knex('rate_limits').del();
    });

    it('POST /api/v1/requests, a 4th time in a minute with a limit of 3, answers 429 and stores nothing', async () => {
      const limited = testApp({ INTAKE_RATE_LIMIT: '3' }).app;
      for (let i = 0; i < 3; i++) {
        const res = await request(limited).post('/api/v1/requests').send(requestPayload());
        assert.equal(res.status, 201, res.text);
      }
      const res = await assertStoresNothing(ctx.db.knex, () => request(limited).post('/api/v1/requests').send(requestPayload()));
      assert.equal(res.status, 429);
      assert.equal(res.body.error.code, 'too_many_requests');
      assert.ok(res.headers['ratelimit'] || res.headers['ratelimit-policy'], 'the limit is announced in RateLimit headers');
    });

    it('POST /requests, a 4th time in a minute with a limit of 3, answers 429 with a page and stores nothing', async () => {
      const limited = testApp({ INTAKE_RATE_LIMIT: '3' }).app;
      const { agent, token } = await formAgent(limited, '/requests/new');
      for (let i = 0; i < 3; i++) {
        const res = await agent
          .post('/requests')
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: token }));
        assert.equal(res.status, 303, res.text);
      }
      const res = await assertStoresNothing(ctx.db.knex, () =>
        agent
          .post('/requests')
          .type('form')
          .send(encodeForm({ ...requestForm(), _csrf: token })),
      );
      assert.equal(res.status, 429);
      assert.match(res.text, /Too many requests/);
    });

    it('GET /requests/new, after the limit is reached, still answers 200', async () => {
      const limited = testApp({ INTAKE_RATE_LIMIT: '1' }).app;
      await request(limited).post('/api/v1/requests').send(requestPayload()).expect(201);
      await request(limited).post('/api/v1/requests').send(requestPayload()).expect(429);
      const res = await request(limited).get('/requests/new');
      assert.equal(res.status, 200);
    });
  });
});
