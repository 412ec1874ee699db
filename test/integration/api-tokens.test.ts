import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { TestUser, auditEvents, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';

const ENDPOINTS = ['/api/v1/cases', '/api/v1/engagements', '/api/v1/reports/coverage'];
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

describeEachEngine('API tokens', (ctx) => {
  const { app } = testApp();
  const api = (path: string, token?: string) => {
    const req = request(app).get(path);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  /** A signed-in director on the tokens page, with its CSRF token. */
  async function director(user?: TestUser) {
    const me = user ?? (await makeUser({ role: 'director' }));
    const agent = await signInAs(app, me);
    const page = await agent.get('/admin/tokens');
    assert.equal(page.status, 200);
    return { me, agent, csrf: csrfTokenOf(page.text) };
  }

  /** Creates a token through the page, as a director does, and reads it from the answer to the POST. */
  async function createToken(d: Awaited<ReturnType<typeof director>>, name = `Workbook ${crypto.randomBytes(3).toString('hex')}`) {
    const shown = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name }));
    assert.equal(shown.status, 201);
    assert.equal(shown.headers.location, undefined, 'no redirect: the token is on this answer');
    assert.match(String(shown.headers['cache-control']), /no-store/);
    const token = /<code class="new-token">([^<]+)<\/code>/.exec(shown.text)?.[1];
    assert.ok(token, 'the new token is on the page');
    const row = await ctx.db.knex('api_tokens').where({ name }).first();
    return { token, row, page: shown.text, name };
  }

  /** What the list shows in the "Last used" column of the token with this prefix. */
  const lastUsedShown = (html: string, prefix: string) =>
    new RegExp(`<code>${prefix}…</code>[\\s\\S]*?<td data-label="Last used">([^<]*)</td>`).exec(html)?.[1]?.trim();

  const tokenCount = async () => Number((await ctx.db.knex('api_tokens').count({ n: '*' }))[0].n);

  it('POST /admin/tokens, as a director, answers 201 with the token on the page, and no later page shows it again', async () => {
    const d = await director();
    const { token, page } = await createToken(d);

    assert.match(token, /^leep_[A-Za-z0-9_-]{40,}$/);
    assert.match(page, /shown only this once/);
    const again = await d.agent.get('/admin/tokens');
    assert.equal(again.status, 200);
    assert.ok(!again.text.includes(token), 'the token is not shown a second time');
    assert.doesNotMatch(again.text, /class="new-token"/);
  });

  it('POST /admin/tokens, as a director, never writes the token into the sessions table, before or after the tokens page is read', async () => {
    const d = await director();
    const { token } = await createToken(d);
    const sessionsHolding = async () =>
      (await ctx.db.knex('sessions').select('*')).filter((row) => JSON.stringify(row).includes(token)).length;
    assert.equal(await sessionsHolding(), 0, 'right after the POST');
    await d.agent.get('/cases');
    assert.equal(await sessionsHolding(), 0, 'after another page');
  });

  it('POST /admin/tokens keeps only the SHA-256 of the token, and the list shows its prefix, owner and "Never" used', async () => {
    const d = await director();
    const { token, row, name } = await createToken(d);

    assert.equal(row.token_hash, sha256(token));
    assert.equal(row.prefix, token.slice(0, 12));
    assert.equal(Number(row.user_id), d.me.id);
    assert.equal(row.revoked_at, null);
    assert.equal(row.last_used_at, null);
    for (const [column, value] of Object.entries(row))
      assert.ok(!String(value).includes(token), `api_tokens.${column} does not hold the token`);
    const list = (await d.agent.get('/admin/tokens')).text;
    const line = new RegExp(
      `<th scope="row" data-label="Name">${name}</th>\\s*<td data-label="Starts with"><code>${row.prefix}…</code></td>\\s*<td data-label="Owner">${d.me.name}</td>[\\s\\S]*?<td data-label="Last used">Never</td>`,
    );
    assert.match(list, line);
    const [event] = await auditEvents(ctx.db.knex, 'api_token.created', `api_token:${row.id}`);
    assert.equal(event?.actor_user_id, d.me.id);
    assert.ok(!String(event.detail_json).includes(token), 'the audit trail does not hold the token');
  });

  it('POST /admin/tokens leaves the token in no table once its page has been shown', async () => {
    const d = await director();
    const { token } = await createToken(d);
    for (const table of ['api_tokens', 'sessions', 'audit_events']) {
      const rows = await ctx.db.knex(table).select('*');
      for (const r of rows) assert.ok(!JSON.stringify(r).includes(token.slice(5)), `no row of ${table} holds the token`);
    }
  });

  it('POST /admin/tokens, with no name or a name over 100 characters, answers 422 with the message at the field and creates no token', async () => {
    const d = await director();
    const before = await tokenCount();
    const blank = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name: '  ' }));
    const long = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, name: 'n'.repeat(101) }));
    assert.equal(blank.status, 422);
    assert.match(blank.text, /id="field-name-error"[^>]*>[^<]*Enter a name for the token/);
    assert.equal(long.status, 422);
    assert.match(long.text, /id="field-name-error"[^>]*>[^<]*100 characters or fewer/);
    assert.doesNotMatch(long.text + blank.text, /class="new-token"/);
    assert.equal(await tokenCount(), before);
  });

  it('POST /admin/tokens, without a CSRF token, answers 403 and creates no token', async () => {
    const d = await director();
    const before = await tokenCount();
    const res = await d.agent
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ name: 'No token' }));
    assert.equal(res.status, 403);
    assert.equal(await tokenCount(), before);
  });

  for (const path of ENDPOINTS) {
    it(`GET ${path}, with a director's token, answers 200 with JSON and records when the token was last used`, async () => {
      const d = await director();
      const { token, row } = await createToken(d);
      assert.equal(lastUsedShown((await d.agent.get('/admin/tokens')).text, row.prefix), 'Never');
      const started = Date.now();

      const res = await api(path, token);

      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(typeof res.body, 'object');
      const used = await ctx.db.knex('api_tokens').where({ id: row.id }).first();
      assert.ok(used.last_used_at, 'last_used_at is set');
      assert.ok(new Date(used.last_used_at).getTime() >= started - 1000, 'last_used_at is the time of the call');
      const shown = lastUsedShown((await d.agent.get('/admin/tokens')).text, row.prefix);
      assert.ok(shown && shown !== 'Never', `the list shows when it was used: ${shown}`);
    });
  }

  it('POST /admin/tokens/:id/revoke, as a director, answers 303; the token then answers 401 with WWW-Authenticate on every endpoint', async () => {
    const d = await director();
    const { token, row } = await createToken(d);
    assert.equal((await api('/api/v1/cases', token)).status, 200);

    const res = await d.agent
      .post(`/admin/tokens/${row.id}/revoke`)
      .type('form')
      .send(encodeForm({ _csrf: d.csrf, confirm: 'yes' }));

    assert.equal(res.status, 303);
    for (const path of ENDPOINTS) {
      const after = await api(path, token);
      assert.equal(after.status, 401, path);
      assert.match(String(after.headers['www-authenticate']), /^Bearer realm="[^"]+"$/);
      assert.equal(after.body.error?.code, 'unauthorized');
      assert.equal(after.body.data, undefined, 'no data');
    }
    const stored = await ctx.db.knex('api_tokens').where({ id: row.id }).first();
    assert.ok(stored.revoked_at);
    assert.match((await d.agent.get('/admin/tokens')).text, new RegExp(`${row.prefix}…[\\s\\S]*?Revoked `));
    assert.equal((await auditEvents(ctx.db.knex, 'api_token.revoked', `api_token:${row.id}`)).length, 1);
  });

  it('POST /admin/tokens/:id/revoke, for a token already revoked or that does not exist, answers 404', async () => {
    const d = await director();
    const { row } = await createToken(d);
    assert.equal(
      (
        await d.agent
          .post(`/admin/tokens/${row.id}/revoke`)
          .type('form')
          .send(encodeForm({ _csrf: d.csrf, confirm: 'yes' }))
      ).status,
      303,
    );
    assert.equal(
      (
        await d.agent
          .post(`/admin/tokens/${row.id}/revoke`)
          .type('form')
          .send(encodeForm({ _csrf: d.csrf, confirm: 'yes' }))
      ).status,
      404,
    );
    assert.equal(
      (
        await d.agent
          .post('/admin/tokens/99999999/revoke')
          .type('form')
          .send(encodeForm({ _csrf: d.csrf, confirm: 'yes' }))
      ).status,
      404,
    );
  });

  it('POST /admin/tokens/:id/revoke, by another director, revokes the token at once', async () => {
    const owner = await director();
    const { token, row } = await createToken(owner);
    const other = await director();
    const res = await other.agent
      .post(`/admin/tokens/${row.id}/revoke`)
      .type('form')
      .send(encodeForm({ _csrf: other.csrf, confirm: 'yes' }));
    assert.equal(res.status, 303);
    assert.equal((await api('/api/v1/cases', token)).status, 401);
  });

  const unknown: { name: string; header: (real: string) => string | undefined }[] = [
    { name: 'no Authorization header', header: () => undefined },
    { name: 'a random token of the right shape', header: () => `Bearer leep_${crypto.randomBytes(32).toString('base64url')}` },
    { name: 'a real token with one character changed', header: (real) => `Bearer ${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}` },
    { name: 'a real token without its prefix', header: (real) => `Bearer ${real.slice(5)}` },
    { name: 'a real token sent as Basic credentials', header: (real) => `Basic ${Buffer.from(`x:${real}`).toString('base64')}` },
    { name: 'the scheme alone', header: () => 'Bearer' },
    { name: 'the hash of a real token', header: (real) => `Bearer leep_${sha256(real)}` },
    { name: 'a very long token', header: () => `Bearer leep_${'a'.repeat(5000)}` },
  ];
  for (const u of unknown) {
    it(`GET /api/v1/cases, with ${u.name}, answers 401 with WWW-Authenticate and no data`, async () => {
      const d = await director();
      const { token } = await createToken(d);
      const header = u.header(token);
      const req = request(app).get('/api/v1/cases');
      const res = header === undefined ? await req : await req.set('Authorization', header);
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer /);
      assert.equal(res.body.data, undefined);
    });
  }

  it('GET /api/v1/cases, with a director signed in by cookie but no token, answers 401: the API takes tokens only', async () => {
    const d = await director();
    const res = await d.agent.get('/api/v1/cases');
    assert.equal(res.status, 401);
  });

  it('GET /api/v1/cases, with the token of a director since demoted to consultant, answers 401, and still 401 once promoted back', async () => {
    const owner = await director();
    const { token } = await createToken(owner);
    const admin = await director();
    const edit = async (role: string) => {
      const csrf = await admin.agent.csrf(`/admin/users/${owner.me.id}/edit`);
      const res = await admin.agent
        .post(`/admin/users/${owner.me.id}`)
        .type('form')
        .send(encodeForm({ _csrf: csrf, name: owner.me.name, email: owner.me.email, role, capacity: '5' }));
      assert.equal(res.status, 303);
    };
    assert.equal((await api('/api/v1/cases', token)).status, 200);

    await edit('consultant');
    for (const path of ENDPOINTS) assert.equal((await api(path, token)).status, 401, path);

    await edit('director');
    for (const path of ENDPOINTS) assert.equal((await api(path, token)).status, 401, `${path}: revoked for good`);
    const row = await ctx.db
      .knex('api_tokens')
      .where({ token_hash: sha256(token) })
      .first();
    assert.ok(row.revoked_at, 'the token is marked revoked');
    const [event] = await auditEvents(ctx.db.knex, 'api_token.revoked', `api_token:${row.id}`);
    assert.equal(event?.actor_user_id, admin.me.id);
  });

  it('GET /api/v1/cases, with the token of a director since deactivated, answers 401, and still 401 once reactivated', async () => {
    const owner = await director();
    const { token } = await createToken(owner);
    const admin = await director();
    assert.equal((await api('/api/v1/reports/coverage', token)).status, 200);
    const csrf = await admin.agent.csrf('/admin/users');
    const res = await admin.agent
      .post(`/admin/users/${owner.me.id}/deactivate`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, confirm: 'yes' }));
    assert.equal(res.status, 303);

    for (const path of ENDPOINTS) assert.equal((await api(path, token)).status, 401, path);
    const back = await admin.agent
      .post(`/admin/users/${owner.me.id}/reactivate`)
      .type('form')
      .send(encodeForm({ _csrf: csrf }));
    assert.equal(back.status, 303);
    assert.equal((await ctx.db.knex('users').where({ id: owner.me.id }).first()).active ? 1 : 0, 1, 'the account is active again');
    for (const path of ENDPOINTS) assert.equal((await api(path, token)).status, 401, `${path}: revoked for good`);
  });

  it('GET and POST /admin/tokens, as a consultant, answer 403 and create no token', async () => {
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    const csrf = await consultant.csrf();
    const before = await tokenCount();
    assert.equal((await consultant.get('/admin/tokens')).status, 403);
    const res = await consultant
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: csrf, name: 'Mine' }));
    assert.equal(res.status, 403);
    assert.equal(await tokenCount(), before);
  });

  it('POST /admin/tokens/:id/revoke, as a consultant, answers 403 and the token keeps working', async () => {
    const d = await director();
    const { token, row } = await createToken(d);
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    const csrf = await consultant.csrf();
    const res = await consultant
      .post(`/admin/tokens/${row.id}/revoke`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, confirm: 'yes' }));
    assert.equal(res.status, 403);
    assert.equal((await ctx.db.knex('api_tokens').where({ id: row.id }).first()).revoked_at, null);
    assert.equal((await api('/api/v1/cases', token)).status, 200);
  });

  it('GET /admin/tokens, signed out, answers 401; POST answers 401 or 403 and creates no token', async () => {
    const before = await tokenCount();
    assert.equal((await request(app).get('/admin/tokens')).status, 401);
    const res = await request(app)
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ name: 'Anonymous' }));
    assert.ok([401, 403].includes(res.status), `status ${res.status}`);
    assert.equal(await tokenCount(), before);
  });
});
