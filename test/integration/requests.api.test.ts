import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { statusTokenOf, testApp } from '../helpers/app';
import { requestPayload } from '../helpers/factories';
import { assertStoresNothing, lastReferenceNumber, topicIds, withRetiredTopic } from '../helpers/store';
import { hashToken } from '../../server/services/tokens';
import { yearIn } from '../../server/services/request.service';

function without(payload: Record<string, unknown>, name: string): Record<string, unknown> {
  const copy = { ...payload };
  delete copy[name];
  return copy;
}

describeEachEngine('The public request API', (ctx) => {
  const { app, config } = testApp();
  const thisYear = () => yearIn(config.timeZone, new Date());
  const post = (body: unknown) =>
    request(app)
      .post('/api/v1/requests')
      .send(body as object);

  describe('POST /api/v1/requests, valid', () => {
    it('POST /api/v1/requests, with a valid payload, answers 201 with the next reference and a status URL that works', async () => {
      const before = await lastReferenceNumber(ctx.db.knex, thisYear());
      const res = await post(requestPayload());
      assert.equal(res.status, 201, res.text);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.deepEqual(Object.keys(res.body).sort(), ['reference', 'status_url']);
      assert.match(res.body.reference, /^TA-\d{4}-\d{4}$/);
      assert.equal(res.body.reference, `TA-${thisYear()}-${String(before + 1).padStart(4, '0')}`);
      assert.match(res.body.status_url, /^http:\/\/leep\.test\/status\/[A-Za-z0-9_-]{43}$/);

      const page = await request(app).get(new URL(res.body.status_url).pathname);
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(res.body.reference));
    });

    it('POST /api/v1/requests, with every field, stores each one with the topics and a case.created event', async () => {
      const payload = requestPayload({
        jurisdiction: 'PR',
        track: 'cohort',
        preferred_format: 'no_preference',
        organization_type: 'governor_legislature',
        expected_participants: 3,
      });
      const res = await post(payload);
      assert.equal(res.status, 201, res.text);
      const row = await ctx.db.knex('cases').where({ reference: res.body.reference }).first();
      assert.deepEqual(
        [
          row.source,
          row.status,
          row.track,
          row.jurisdiction_code,
          row.requester_name,
          row.requester_email,
          row.requester_phone,
          row.requester_title,
          row.organization_type,
          row.organization_name,
          row.preferred_format,
          row.title,
          row.needs,
          row.outcomes,
          row.preferred_start,
          row.deadline,
          Number(row.expected_participants),
          row.idempotency_key,
        ],
        [
          'api',
          'new',
          'cohort',
          'PR',
          payload.name,
          payload.email,
          payload.phone,
          payload.role,
          'governor_legislature',
          payload.organization_name,
          'no_preference',
          payload.title,
          payload.needs,
          payload.outcomes,
          payload.preferred_start,
          payload.deadline,
          3,
          null,
        ],
      );
      assert.equal(row.status_token_hash, hashToken(statusTokenOf(res.body.status_url)));
      const links = await ctx.db.knex('case_topics').where({ case_id: row.id }).select('topic_id');
      assert.deepEqual(
        links.map((l) => Number(l.topic_id)).sort((a, b) => a - b),
        await topicIds(ctx.db.knex, payload.topics as string[]),
      );
      const events = await ctx.db.knex('case_events').where({ case_id: row.id });
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor_kind]),
        [['case.created', 'requester']],
      );
      assert.equal(JSON.parse(events[0].after_json).source, 'api');
    });

    it('POST /api/v1/requests, with only the required fields, creates a Technical Assistance case with the rest empty', async () => {
      const payload = requestPayload();
      for (const optional of ['phone', 'track', 'outcomes', 'preferred_start', 'deadline', 'expected_participants'])
        delete payload[optional];
      const res = await post(payload);
      assert.equal(res.status, 201, res.text);
      const row = await ctx.db.knex('cases').where({ reference: res.body.reference }).first();
      assert.deepEqual(
        [row.track, row.requester_phone, row.outcomes, row.preferred_start, row.deadline, row.expected_participants],
        ['ta', null, null, null, null, null],
      );
    });

    it('POST /api/v1/requests, with a charset in the content type, is accepted', async () => {
      const res = await request(app)
        .post('/api/v1/requests')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify(requestPayload()));
      assert.equal(res.status, 201, res.text);
    });
  });

  describe('POST /api/v1/requests, invalid', () => {
    const REQUIRED = [
      'jurisdiction',
      'name',
      'email',
      'role',
      'organization_type',
      'organization_name',
      'topics',
      'preferred_format',
      'title',
      'needs',
    ];
    const cases: { what: string; payload: () => unknown; field: string; message?: RegExp }[] = [
      ...REQUIRED.map((field) => ({ what: `without ${field}`, payload: () => without(requestPayload(), field), field })),
      { what: 'with a title of only spaces', payload: () => requestPayload({ title: '   ' }), field: 'title' },
      { what: 'with an unknown jurisdiction', payload: () => requestPayload({ jurisdiction: 'ZZ' }), field: 'jurisdiction' },
      { what: 'with a jurisdiction in lower case', payload: () => requestPayload({ jurisdiction: 'oh' }), field: 'jurisdiction' },
      {
        what: 'with an unknown topic slug',
        payload: () => requestPayload({ topics: ['equity-lens', 'astrology'] }),
        field: 'topics',
        message: /from the list/,
      },
      { what: 'with no topics', payload: () => requestPayload({ topics: [] }), field: 'topics' },
      {
        what: 'with a title of 121 characters',
        payload: () => requestPayload({ title: 'x'.repeat(121) }),
        field: 'title',
        message: /120 characters or fewer/,
      },
      {
        what: 'with needs of 5,001 characters',
        payload: () => requestPayload({ needs: 'x'.repeat(5001) }),
        field: 'needs',
        message: /5,000 characters or fewer/,
      },
      { what: 'with a bad e-mail address', payload: () => requestPayload({ email: 'dana@@example' }), field: 'email' },
      {
        what: 'with a start date of 2027-02-30',
        payload: () => requestPayload({ preferred_start: '2027-02-30' }),
        field: 'preferred_start',
      },
      { what: 'with a deadline of "tomorrow"', payload: () => requestPayload({ deadline: 'tomorrow' }), field: 'deadline' },
      {
        what: 'with a full timestamp as the deadline',
        payload: () => requestPayload({ deadline: '2027-06-30T00:00:00Z' }),
        field: 'deadline',
      },
      {
        what: 'with a deadline before the preferred start',
        payload: () => requestPayload({ preferred_start: '2027-06-01', deadline: '2027-01-31' }),
        field: 'deadline',
        message: /on or after/,
      },
      { what: 'with topics as a string', payload: () => requestPayload({ topics: 'equity-lens' }), field: 'topics', message: /a list/ },
      {
        what: 'with expected_participants as the string "12"',
        payload: () => requestPayload({ expected_participants: '12' }),
        field: 'expected_participants',
        message: /whole number/,
      },
      {
        what: 'with expected_participants of 1.5',
        payload: () => requestPayload({ expected_participants: 1.5 }),
        field: 'expected_participants',
        message: /whole number/,
      },
      {
        what: 'with expected_participants of 0',
        payload: () => requestPayload({ expected_participants: 0 }),
        field: 'expected_participants',
      },
      { what: 'with a number as the name', payload: () => requestPayload({ name: 42 }), field: 'name' },
      { what: 'with null as the phone', payload: () => requestPayload({ phone: null }), field: 'phone' },
      {
        what: 'with an unknown extra field',
        payload: () => requestPayload({ favourite_colour: 'teal' }),
        field: 'favourite_colour',
        message: /not a recognised field/,
      },
      { what: 'with a status set by the requester', payload: () => requestPayload({ status: 'completed' }), field: 'status' },
      {
        what: 'with a malformed submission key',
        payload: () => requestPayload({ idempotency_key: 'no spaces allowed' }),
        field: 'idempotency_key',
      },
    ];

    for (const c of cases) {
      it(`POST /api/v1/requests, ${c.what}, answers 400 naming ${c.field} and stores nothing`, async () => {
        const res = await assertStoresNothing(ctx.db.knex, () => post(c.payload()));
        assert.equal(res.status, 400, res.text);
        assert.ok(Array.isArray(res.body.errors), res.text);
        for (const e of res.body.errors) {
          assert.deepEqual(Object.keys(e).sort(), ['field', 'message']);
          assert.equal(typeof e.message, 'string');
        }
        const error = res.body.errors.find((e: { field: string }) => e.field === c.field);
        assert.ok(error, `an error names ${c.field}: ${res.text}`);
        if (c.message) assert.match(error.message, c.message);
      });
    }

    it('POST /api/v1/requests, with a retired topic, answers 400 naming topics and stores nothing', async () => {
      await withRetiredTopic(ctx.db.knex, 'school-climate', async () => {
        const res = await assertStoresNothing(ctx.db.knex, () => post(requestPayload({ topics: ['school-climate'] })));
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(
          res.body.errors.map((e: { field: string }) => e.field),
          ['topics'],
        );
      });
    });

    it('POST /api/v1/requests, with several wrong fields, names each field once', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => post(requestPayload({ email: 'x', title: 7, topics: 'a', extra: 1 })));
      assert.equal(res.status, 400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      assert.deepEqual([...fields].sort(), ['email', 'extra', 'title', 'topics']);
    });

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

    it('POST /api/v1/requests, with an empty JSON object, answers 400 naming every required field', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => post({}));
      assert.equal(res.status, 400);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        REQUIRED,
      );
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
