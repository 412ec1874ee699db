import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';
import { assertStoresNothing, withRetiredTopic } from '../helpers/store';
import { publicRequestApi } from '../helpers/requests-api';

function without(payload: Record<string, unknown>, name: string): Record<string, unknown> {
  const copy = { ...payload };
  delete copy[name];
  return copy;
}

describeEachEngine('The public request API', (ctx) => {
  const { post } = publicRequestApi();

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

    it('POST /api/v1/requests, with an empty JSON object, answers 400 naming every required field', async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => post({}));
      assert.equal(res.status, 400);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        REQUIRED,
      );
    });
  });
});
