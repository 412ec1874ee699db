import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { formAgent, statusTokenOf, submitForm, testApp } from '../helpers/app';
import { requestForm } from '../helpers/factories';
import { checkedValues, hasId, offeredValues } from '../helpers/html';
import { without } from '../helpers/request-form';
import { lastReferenceNumber, topicIds, withRetiredTopic } from '../helpers/store';
import { hashToken } from '../../server/services/tokens';
import { yearIn } from '../../server/services/request.service';

describeEachEngine('The public request form: shown and sent valid', (ctx) => {
  const { app, config } = testApp();
  const thisYear = () => yearIn(config.timeZone, new Date());

  describe('GET /requests/new', () => {
    it('GET /requests/new, for anyone, shows the form with a CSRF token, a fresh submission key and Technical Assistance chosen', async () => {
      const first = await formAgent(app, '/requests/new');
      const second = await formAgent(app, '/requests/new');
      assert.match(first.token, /.{20,}/);
      const key = /name="idempotency_key" value="([A-Za-z0-9_-]{20,})"/.exec(first.html)?.[1];
      assert.ok(key, 'the form carries a submission key');
      assert.ok(!second.html.includes(key), 'each form gets its own submission key');
      assert.deepEqual(checkedValues(first.html, 'track'), ['ta']);
      assert.ok(hasId(first.html, 'field-website'), 'the honeypot is on the form');
    });

    it('GET /requests/new, with a retired topic, offers only the active topics', async () => {
      const all = (await ctx.db.knex('topics').select('slug')).map((t) => String(t.slug)).sort();
      await withRetiredTopic(ctx.db.knex, 'early-learning', async () => {
        const { html } = await formAgent(app, '/requests/new');
        assert.deepEqual(
          offeredValues(html, 'topics').sort(),
          all.filter((s) => s !== 'early-learning'),
        );
      });
    });
  });

  describe('POST /requests, valid', () => {
    it('POST /requests, with every field filled in, stores each one, links the topics, records the event and redirects 303 to the status page', async () => {
      const form = requestForm({
        jurisdiction: 'NM',
        name: 'Rosa Benally',
        email: 'rosa.benally@example.org',
        phone: '+1 (505) 555-0199 x12',
        role: 'Executive director',
        organization_type: 'state_agency',
        organization_name: 'New Mexico Public Education Department',
        track: 'network',
        topics: ['school-climate', 'community-engagement', 'data-equity-audits'],
        preferred_format: 'online_training',
        title: 'Climate survey data for the network team',
        needs: 'Our network team wants to read the climate survey with an equity lens.\r\nSecond line.',
        outcomes: 'A training plan for the spring.',
        preferred_start: '2027-03-15',
        deadline: '2027-09-30',
        expected_participants: '35',
      });
      const before = await lastReferenceNumber(ctx.db.knex, thisYear());
      const { res, agent } = await submitForm(app, form);

      assert.equal(res.status, 303, res.text);
      assert.match(res.headers.location, /^\/status\/[A-Za-z0-9_-]{43}$/);
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.ok(row, 'the case is stored under its submission key');
      const reference = `TA-${thisYear()}-${String(before + 1).padStart(4, '0')}`;
      assert.deepEqual(
        {
          reference: row.reference,
          track: row.track,
          status: row.status,
          priority: row.priority,
          source: row.source,
          jurisdiction_code: row.jurisdiction_code,
          requester_name: row.requester_name,
          requester_email: row.requester_email,
          requester_phone: row.requester_phone,
          requester_title: row.requester_title,
          organization_type: row.organization_type,
          organization_name: row.organization_name,
          preferred_format: row.preferred_format,
          title: row.title,
          needs: row.needs,
          outcomes: row.outcomes,
          preferred_start: row.preferred_start,
          deadline: row.deadline,
          expected_participants: Number(row.expected_participants),
          lead_consultant_id: row.lead_consultant_id,
          status_token_hash: row.status_token_hash,
          first_assigned_at: row.first_assigned_at,
          closed_at: row.closed_at,
        },
        {
          reference,
          track: 'network',
          status: 'new',
          priority: 'normal',
          source: 'web_form',
          jurisdiction_code: 'NM',
          requester_name: 'Rosa Benally',
          requester_email: 'rosa.benally@example.org',
          requester_phone: '+1 (505) 555-0199 x12',
          requester_title: 'Executive director',
          organization_type: 'state_agency',
          organization_name: 'New Mexico Public Education Department',
          preferred_format: 'online_training',
          title: 'Climate survey data for the network team',
          // Browsers send line breaks as CRLF; they are kept as plain newlines.
          needs: 'Our network team wants to read the climate survey with an equity lens.\nSecond line.',
          outcomes: 'A training plan for the spring.',
          preferred_start: '2027-03-15',
          deadline: '2027-09-30',
          expected_participants: 35,
          lead_consultant_id: null,
          status_token_hash: hashToken(statusTokenOf(res.headers.location)),
          first_assigned_at: null,
          closed_at: null,
        },
      );
      assert.match(row.request_hash, /^[0-9a-f]{64}$/);
      const submitted = new Date(row.submitted_at).getTime();
      assert.ok(Math.abs(submitted - Date.now()) < 60_000, 'submitted_at is the time of submission');

      const links = await ctx.db.knex('case_topics').where({ case_id: row.id }).select('topic_id');
      assert.deepEqual(
        links.map((l) => Number(l.topic_id)).sort((a, b) => a - b),
        await topicIds(ctx.db.knex, ['school-climate', 'community-engagement', 'data-equity-audits']),
      );
      const events = await ctx.db.knex('case_events').where({ case_id: row.id });
      assert.equal(events.length, 1);
      assert.equal(events[0].kind, 'case.created');
      assert.equal(events[0].actor_kind, 'requester');
      assert.equal(events[0].actor_user_id, null);
      assert.equal(JSON.parse(events[0].after_json).reference, reference);

      const page = await agent.get(res.headers.location);
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(`Request ${reference}`), 'the status page shows the reference');
      assert.ok(page.text.includes('Climate survey data for the network team'));
      assert.ok(page.text.includes('New Mexico'));
    });

    it('POST /requests, with the optional fields left blank, creates the case with them empty', async () => {
      const form = requestForm({ phone: '', outcomes: '  ', preferred_start: '', deadline: '', expected_participants: '' });
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text);
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.deepEqual(
        [row.requester_phone, row.outcomes, row.preferred_start, row.deadline, row.expected_participants],
        [null, null, null, null, null],
      );
    });

    it('POST /requests, with spaces around the short fields, stores them trimmed', async () => {
      const form = requestForm({ name: '  Dana Whitfield ', email: ' dana@example.org ', title: ' Equity lens  ' });
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text);
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.deepEqual([row.requester_name, row.requester_email, row.title], ['Dana Whitfield', 'dana@example.org', 'Equity lens']);
    });

    it('POST /requests, with a title of exactly 120 characters and needs of exactly 5,000, creates the case', async () => {
      const form = requestForm({ title: 'T'.repeat(120), needs: 'n'.repeat(5000) });
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text);
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.equal(row.title.length, 120);
      assert.equal(row.needs.length, 5000);
    });

    it('POST /requests, with needs of 5,000 characters counting each CRLF line break as one, creates the case', async () => {
      // A browser counts a line break as one character against maxlength but sends it as CRLF.
      const needs = Array.from({ length: 100 }, () => 'n'.repeat(49)).join('\r\n') + 'n'.repeat(1);
      assert.equal(needs.replace(/\r\n/g, '\n').length, 5000);
      const form = requestForm({ needs });
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text.slice(0, 300));
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.equal(row.needs.length, 5000);
      assert.ok(!row.needs.includes('\r'));
    });

    it('POST /requests, with one topic and no track, stores the topic and Technical Assistance', async () => {
      const form = without(requestForm({ topics: ['essa-accountability'] }), 'track');
      const { res } = await submitForm(app, form);
      assert.equal(res.status, 303, res.text);
      const row = await ctx.db.knex('cases').where({ idempotency_key: form.idempotency_key }).first();
      assert.equal(row.track, 'ta');
      const links = await ctx.db.knex('case_topics').where({ case_id: row.id }).select('topic_id');
      assert.deepEqual(
        links.map((l) => Number(l.topic_id)),
        await topicIds(ctx.db.knex, ['essa-accountability']),
      );
    });

    it('POST /requests, twice, gives consecutive references', async () => {
      const first = await submitForm(app, requestForm());
      const second = await submitForm(app, requestForm());
      const refs = [];
      for (const { res, agent } of [first, second]) {
        assert.equal(res.status, 303, res.text);
        const page = await agent.get(res.headers.location).expect(200);
        refs.push(Number(/TA-\d{4}-(\d{4})/.exec(page.text)?.[1]));
      }
      assert.equal(refs[1], refs[0] + 1);
    });
  });
});
