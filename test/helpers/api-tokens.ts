import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from './app';
import { TestUser, makeUser, signInAs } from './auth';
import type { TestDatabase } from './db';

/** The API's read endpoints, each of which a director's token may call. */
export const ENDPOINTS = ['/api/v1/cases', '/api/v1/engagements', '/api/v1/reports/coverage'];
export const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * What the API-token tests share (inside a describeEachEngine): the app, calls to the API with a
 * token, directors on the tokens page, tokens made through that page, and what the list shows.
 */
export function apiTokens(ctx: { db: TestDatabase }) {
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

  return { app, api, director, createToken, lastUsedShown, tokenCount };
}
