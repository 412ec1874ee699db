import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine, freshDatabase, TestDatabase } from '../helpers/db';
import { testApp } from '../helpers/app';
import { requestPayload } from '../helpers/factories';
import type { Knex } from 'knex';

describeEachEngine('Health check', (ctx) => {
  // The app's database is the suite's unless a test hands it another: no other app sees the swap.
  let current: Knex | undefined;
  const { app } = testApp({}, { database: () => current ?? ctx.db.knex });
  afterEach(() => (current = undefined));

  it('GET /healthz, with the database up, answers 200 {"status":"ok"} and is not cached', async () => {
    const res = await request(app).get('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.match(res.headers['cache-control'], /no-store/);
  });

  describe('with the database gone', () => {
    let broken: TestDatabase;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);

    before(async function () {
      this.timeout(60_000);
      // A database of its own, closed, handed to this suite's app alone; the suite's own stays usable.
      broken = await freshDatabase(ctx.engine, { current: false });
      await broken.knex.destroy();
      process.on('unhandledRejection', onRejection);
    });

    after(async () => {
      process.off('unhandledRejection', onRejection);
      if (broken.searchPath) await ctx.db.knex.raw(`DROP SCHEMA IF EXISTS "${broken.searchPath}" CASCADE`);
      await broken.destroy();
    });

    beforeEach(() => (current = broken.knex));

    it('GET /healthz, after the knex instance is destroyed, answers 503 and the process carries on', async () => {
      const res = await request(app).get('/healthz');
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { status: 'unavailable' });
      assert.match(res.headers['cache-control'], /no-store/);
      // The process still serves: a second check and a page that needs no database.
      assert.equal((await request(app).get('/healthz')).status, 503);
      assert.equal((await request(app).get('/requests/received')).status, 200);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(rejections, [], 'no unhandled rejection');
    });

    it('GET /requests/new, after the knex instance is destroyed, answers 503 with a page and Retry-After', async () => {
      const res = await request(app).get('/requests/new');
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '30');
      assert.match(res.text, /Service unavailable/);
      assert.match(res.text, /<main id="main-content"/);
    });

    it('POST /api/v1/requests, after the knex instance is destroyed, answers 503 as JSON', async () => {
      const res = await request(app).post('/api/v1/requests').send(requestPayload());
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'unavailable');
    });

    it('GET /healthz, once a working database is back, answers 200 again', async () => {
      current = ctx.db.knex;
      const res = await request(app).get('/healthz');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    });
  });
});
