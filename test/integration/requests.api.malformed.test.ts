import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';
import { assertStoresNothing } from '../helpers/store';
import { publicRequestApi } from '../helpers/requests-api';

describeEachEngine('The public request API', (ctx) => {
  const { app, post } = publicRequestApi();

  describe('POST /api/v1/requests, invalid', () => {
    it('POST /api/v1/requests, with a JSON array as the body, answers 400 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => post([requestPayload()]));
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body, { errors: [{ field: '_', message: 'The request must be a JSON object' }] });
    });

    it('POST /api/v1/requests, with a JSON string as the body, answers 400 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Content-Type', 'application/json').send('"hello"'),
      );
      assert.equal(res.status, 400, res.text);
      // The JSON parser is strict: only an object or an array is JSON it accepts as a body.
      assert.equal(res.body.error.code, 'bad_json');
    });

    it('POST /api/v1/requests, as text/plain, answers 415 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Content-Type', 'text/plain').send(JSON.stringify(requestPayload())),
      );
      assert.equal(res.status, 415, res.text);
      assert.equal(res.body.error.code, 'unsupported_media_type');
    });

    it('POST /api/v1/requests, as a url-encoded form, answers 415 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').type('form').send('jurisdiction=OH&name=Dana'),
      );
      assert.equal(res.status, 415, res.text);
    });

    it('POST /api/v1/requests, with no body at all, answers 415 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => request(app).post('/api/v1/requests'));
      assert.equal(res.status, 415, res.text);
    });

    it('POST /api/v1/requests, with malformed JSON, answers 400 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () =>
        request(app).post('/api/v1/requests').set('Content-Type', 'application/json').send('{"jurisdiction": "OH",'),
      );
      assert.equal(res.status, 400, res.text);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.equal(res.body.error.code, 'bad_json');
    });

    it('POST /api/v1/requests, with a body over 200 kB, answers 413 and stores nothing', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => post(requestPayload({ needs: 'x'.repeat(210_000) })));
      assert.equal(res.status, 413, res.text);
    });
  });

  describe('GET /api/v1/requests', () => {
    it('GET /api/v1/unknown, for anyone, answers 404 as JSON', async () => {
      const res = await request(app).get('/api/v1/unknown');
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
    });
  });
});
