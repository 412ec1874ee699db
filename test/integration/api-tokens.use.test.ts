import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { ENDPOINTS, apiTokens, sha256 } from '../helpers/api-tokens';

describeEachEngine('API tokens', (ctx) => {
  const { app, api, director, createToken, lastUsedShown } = apiTokens(ctx);

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
});
