import assert from 'node:assert/strict';
import { encodeForm } from '../helpers/app';
import { auditEvents } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { apiTokens, sha256 } from '../helpers/api-tokens';

describeEachEngine('API tokens', (ctx) => {
  const { director, createToken, tokenCount } = apiTokens(ctx);

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
});
