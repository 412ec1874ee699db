import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { statusTokenOf } from '../helpers/app';
import { requestPayload } from '../helpers/factories';
import { lastReferenceNumber, topicIds } from '../helpers/store';
import { publicRequestApi } from '../helpers/requests-api';
import { hashToken } from '../../server/services/tokens';

describeEachEngine('The public request API', (ctx) => {
  const { app, thisYear, post } = publicRequestApi();

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
});
