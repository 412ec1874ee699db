import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, formAgent, statusTokenOf, submitForm, testApp } from '../helpers/app';
import { requestForm } from '../helpers/factories';
import { checkedValues, escapeHtml, hasId, messageNextTo, offeredValues, shownValue, summaryLinks } from '../helpers/html';
import { assertStoresNothing, intakeSnapshot, lastReferenceNumber, topicIds, withRetiredTopic } from '../helpers/store';
import { hashToken } from '../../server/services/tokens';
import { yearIn } from '../../server/services/request.service';

type Form = Record<string, string | string[] | undefined>;

const SELECTS = ['jurisdiction'];
const RADIOS = ['organization_type', 'track', 'preferred_format'];
const CHECKBOXES = ['topics'];
const NOT_SHOWN = ['_csrf', 'website'];

/**
 * Asserts that a re-rendered form shows every value the requester typed. A choice that is not on
 * the list (an unknown state, a made-up topic) cannot be shown as chosen, so it is left out.
 */
function assertKeepsValues(html: string, form: Form): void {
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined || NOT_SHOWN.includes(name)) continue;
    if (name === 'idempotency_key') {
      assert.ok(html.includes(`name="idempotency_key" value="${escapeHtml(String(value))}"`), 'the submission key is kept');
    } else if (CHECKBOXES.includes(name) || RADIOS.includes(name)) {
      const offered = offeredValues(html, name);
      const typed = [...new Set(Array.isArray(value) ? value : [value])].filter((v) => offered.includes(v));
      assert.deepEqual(checkedValues(html, name).sort(), typed.sort(), `${name} keeps its choices`);
    } else if (SELECTS.includes(name)) {
      const shown = shownValue(html, name);
      if (html.includes(`<option value="${escapeHtml(String(value))}"`)) assert.equal(shown, value, `${name} keeps its choice`);
    } else {
      assert.equal(shownValue(html, name), Array.isArray(value) ? value[value.length - 1] : value, `${name} keeps what was typed`);
    }
  }
}

function without(form: Form, name: string): Form {
  const copy = { ...form };
  delete copy[name];
  return copy;
}

describeEachEngine('The public request form', (ctx) => {
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

  describe('POST /requests, invalid', () => {
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
    const cases: { what: string; form: () => Form; field: string; message?: RegExp }[] = [
      ...REQUIRED.map((field) => ({ what: `without ${field}`, form: () => without(requestForm(), field), field })),
      ...['name', 'role', 'organization_name', 'title', 'needs', 'email'].map((field) => ({
        what: `with ${field} left blank`,
        form: () => requestForm({ [field]: '   ' }),
        field,
      })),
      {
        what: 'with an unknown jurisdiction',
        form: () => requestForm({ jurisdiction: 'ZZ' }),
        field: 'jurisdiction',
        message: /from the list/,
      },
      {
        what: 'with an unknown topic',
        form: () => requestForm({ topics: ['equity-lens', 'astrology'] }),
        field: 'topics',
        message: /from the list/,
      },
      { what: 'with the same topic twice', form: () => requestForm({ topics: ['equity-lens', 'equity-lens'] }), field: 'topics' },
      {
        what: 'with a title of 121 characters',
        form: () => requestForm({ title: 'x'.repeat(121) }),
        field: 'title',
        message: /120 characters or fewer/,
      },
      {
        what: 'with needs of 5,001 characters',
        form: () => requestForm({ needs: 'x'.repeat(5001) }),
        field: 'needs',
        message: /5,000 characters or fewer/,
      },
      { what: 'with a name of 121 characters', form: () => requestForm({ name: 'x'.repeat(121) }), field: 'name' },
      { what: 'with outcomes of 5,001 characters', form: () => requestForm({ outcomes: 'x'.repeat(5001) }), field: 'outcomes' },
      {
        what: 'with an e-mail address without a domain',
        form: () => requestForm({ email: 'dana.whitfield@' }),
        field: 'email',
        message: /e-mail address/,
      },
      { what: 'with an e-mail address without an @', form: () => requestForm({ email: 'dana.whitfield.example.org' }), field: 'email' },
      { what: 'with a phone number in words', form: () => requestForm({ phone: 'call me' }), field: 'phone' },
      {
        what: 'with a start date of 2027-02-30',
        form: () => requestForm({ preferred_start: '2027-02-30' }),
        field: 'preferred_start',
        message: /real date/,
      },
      { what: 'with a deadline of "tomorrow"', form: () => requestForm({ deadline: 'tomorrow' }), field: 'deadline', message: /real date/ },
      {
        what: 'with a start date written 03/15/2027',
        form: () => requestForm({ preferred_start: '03/15/2027' }),
        field: 'preferred_start',
      },
      {
        what: 'with a deadline before the preferred start',
        form: () => requestForm({ preferred_start: '2027-06-01', deadline: '2027-05-31' }),
        field: 'deadline',
        message: /on or after the preferred start/,
      },
      {
        what: 'with 1.5 participants',
        form: () => requestForm({ expected_participants: '1.5' }),
        field: 'expected_participants',
        message: /whole number/,
      },
      { what: 'with "twelve" participants', form: () => requestForm({ expected_participants: 'twelve' }), field: 'expected_participants' },
      { what: 'with 0 participants', form: () => requestForm({ expected_participants: '0' }), field: 'expected_participants' },
      {
        what: 'with an unknown organization type',
        form: () => requestForm({ organization_type: 'university' }),
        field: 'organization_type',
      },
      { what: 'with an unknown format', form: () => requestForm({ preferred_format: 'carrier_pigeon' }), field: 'preferred_format' },
      { what: 'with an unknown track', form: () => requestForm({ track: 'bootcamp' }), field: 'track' },
    ];

    for (const c of cases) {
      it(`POST /requests, ${c.what}, answers 422 with the values kept and a message at ${c.field}, and stores nothing`, async () => {
        const form = c.form();
        const { res } = await assertStoresNothing(ctx.db.knex, () => submitForm(app, form));
        assert.equal(res.status, 422, res.text.slice(0, 300));
        assert.match(res.headers['content-type'], /text\/html/);
        assert.ok(summaryLinks(res.text).includes(c.field), `the error summary links to #field-${c.field}: ${summaryLinks(res.text)}`);
        assert.ok(hasId(res.text, `field-${c.field}`), `the page has the element #field-${c.field} the summary links to`);
        const message = messageNextTo(res.text, c.field);
        assert.ok(message, `a message is shown next to ${c.field}`);
        if (c.message) assert.match(message, c.message);
        assert.match(res.text, /<title>Error: /);
        assertKeepsValues(res.text, form);
      });
    }

    it('POST /requests, with a retired topic, answers 422 with a message at topics and stores nothing', async () => {
      await withRetiredTopic(ctx.db.knex, 'educator-diversity', async () => {
        const form = requestForm({ topics: ['educator-diversity'] });
        const { res } = await assertStoresNothing(ctx.db.knex, () => submitForm(app, form));
        assert.equal(res.status, 422);
        assert.deepEqual(summaryLinks(res.text), ['topics']);
        assert.match(messageNextTo(res.text, 'topics') ?? '', /from the list/);
        assert.deepEqual(offeredValues(res.text, 'topics').includes('educator-diversity'), false);
        assertKeepsValues(res.text, form);
      });
    });

    it('POST /requests, with several wrong fields, lists each once in the order of the form', async () => {
      const form = requestForm({ email: 'nope', title: 'x'.repeat(121), preferred_start: 'soon' });
      delete form.name;
      const { res } = await assertStoresNothing(ctx.db.knex, () => submitForm(app, form));
      assert.equal(res.status, 422);
      assert.deepEqual(summaryLinks(res.text), ['name', 'email', 'title', 'preferred_start']);
      assert.match(res.text, /There are 4 problems with your answers/);
      for (const field of ['name', 'email', 'title', 'preferred_start']) assert.ok(messageNextTo(res.text, field), `a message at ${field}`);
      assert.equal(messageNextTo(res.text, 'needs'), undefined, 'no message next to a right field');
      assert.match(res.text, /<a class="usa-skipnav" href="#main-content">/);
      assert.match(res.text, /<main id="main-content"/);
      assertKeepsValues(res.text, form);
    });

    it('POST /requests, with nothing filled in, answers 422 naming every required field and stores nothing', async () => {
      const { res } = await assertStoresNothing(ctx.db.knex, () => submitForm(app, { idempotency_key: 'abcdefghijkl' }));
      assert.equal(res.status, 422);
      assert.deepEqual(summaryLinks(res.text), REQUIRED);
    });

    it('POST /requests, after a 422, can be corrected and sent again with the same form', async () => {
      const form = requestForm({ email: 'nope' });
      const first = await submitForm(app, form);
      assert.equal(first.res.status, 422);
      const before = await intakeSnapshot(ctx.db.knex);
      const res = await first.agent
        .post('/requests')
        .type('form')
        .send(encodeForm({ ...form, email: 'dana@example.org', _csrf: first.token }));
      assert.equal(res.status, 303, res.text);
      assert.equal((await intakeSnapshot(ctx.db.knex)).cases, before.cases + 1);
    });
  });
});
