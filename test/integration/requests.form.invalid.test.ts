import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, submitForm, testApp } from '../helpers/app';
import { requestForm } from '../helpers/factories';
import { hasId, messageNextTo, offeredValues, summaryLinks } from '../helpers/html';
import { Form, assertKeepsValues, without } from '../helpers/request-form';
import { assertStoresNothing, intakeSnapshot, withRetiredTopic } from '../helpers/store';

describeEachEngine('The public request form: sent invalid', (ctx) => {
  const { app } = testApp();

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
