import assert from 'node:assert/strict';
import { encodeForm } from '../helpers/app';
import { auditEvents } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ENDPOINTS, apiTokens, sha256 } from '../helpers/api-tokens';

describeEachEngine('API tokens', (ctx) => {
  const { api, director, createToken } = apiTokens(ctx);

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
});
