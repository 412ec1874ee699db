import assert from 'node:assert/strict';
import request from 'supertest';
import { encodeForm, submitForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { requestForm, requestPayload } from '../helpers/factories';
import { assertStoresNothing } from '../helpers/store';

describeEachEngine('Text rules on forms and the API', (ctx) => {
  const { app } = testApp();

  const bad: [string, string][] = [
    ['zero-width spaces only', '\u200B\u200B'],
    ['a right-to-left override', 'Dana \u202EnaltihW'],
    ['BEL and ESC', 'Dana\u0007\u001B[2J'],
    ['CR/LF', 'Dana\r\nWhitfield'],
  ];

  for (const [what, name] of bad) {
    it(`POST /api/v1/requests, with a name of ${what}, answers 400 naming the field and stores nothing`, async () => {
      const res = await assertStoresNothing(ctx.db.knex, () => request(app).post('/api/v1/requests').send(requestPayload({ name })));
      assert.equal(res.status, 400);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field),
        ['name'],
      );
    });
  }

  it('POST /requests, with a title of zero-width spaces and a role with a right-to-left override, answers 422 with a message at each and keeps the other values', async () => {
    const { res } = await assertStoresNothing(ctx.db.knex, () =>
      submitForm(app, requestForm({ title: '\u200B\u200B', role: 'Chair \u202Eriahc' })),
    );
    assert.equal(res.status, 422);
    assert.match(res.text, /Enter a short title for your request with at least one letter, digit or sign/);
    assert.match(res.text, /Your title or role must not contain characters that change the direction of the text/);
    assert.ok(res.text.includes('Ohio State Board of Education'), 'the other values are kept');
  });

  it('POST /api/v1/requests, with spaces around the name and title, stores them trimmed', async () => {
    const res = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ name: '  Dana Whitfield  ', title: '\tEquity lens for our plan ' }));
    assert.equal(res.status, 201);
    const row = await ctx.db.knex('cases').where({ reference: res.body.reference }).first();
    assert.equal(row.requester_name, 'Dana Whitfield');
    assert.equal(row.title, 'Equity lens for our plan');
  });

  it('POST /admin/users, as a director, with a name that is only a zero-width space, answers 422 and creates no user', async () => {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const csrf = await agent.csrf('/admin/users/new');
    const email = `zw.${Date.now()}@leep.test`;
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send(
        encodeForm({
          _csrf: csrf,
          name: '\u200B',
          email,
          role: 'consultant',
          capacity: '3',
          password: 'Quartz-meadow-lantern-77',
          password_confirmation: 'Quartz-meadow-lantern-77',
        }),
      );
    assert.equal(res.status, 422);
    assert.match(res.text, /with at least one letter, digit or sign/);
    assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined);
  });

  it('POST /admin/tokens, as a director, with a name holding an ESC, answers 422 and creates no token', async () => {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const csrf = await agent.csrf('/admin/tokens');
    const res = await agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: csrf, name: 'Report\u001B[31m' }));
    assert.equal(res.status, 422);
    assert.match(res.text, /must not contain control characters/);
    assert.equal(await ctx.db.knex('api_tokens').where({ name: 'Report\u001B[31m' }).first(), undefined);
  });
});
