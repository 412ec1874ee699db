import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../server/app';
import { Config, loadConfig } from '../../server/config';

/**
 * The app as tests drive it, with test settings and any overrides (env-style names). With
 * `database`, the app's requests run against what it returns (read at each request), whatever
 * database the process uses; without it, against the process's database.
 */
export function testApp(
  env: Record<string, string> = {},
  options: { database?: () => Knex } = {},
): { app: Express; config: Readonly<Config> } {
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://leep.test',
    INTAKE_RATE_LIMIT: '100000',
    RECEIPTS_PER_DAY: '1000',
    ...env,
  });
  return { app: createApp(config, options), config };
}

/** Reads the CSRF token out of a page's HTML. */
export function csrfTokenOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

/** An agent that keeps cookies, with the CSRF token of the page it fetched. */
export async function formAgent(
  app: Express,
  page: string,
): Promise<{ agent: ReturnType<typeof request.agent>; token: string; html: string }> {
  const agent = request.agent(app);
  const res = await agent.get(page).expect(200);
  return { agent, token: csrfTokenOf(res.text), html: res.text };
}

/** Encodes a form body as a browser does: repeated names for lists (`topics=a&topics=b`). */
export function encodeForm(fields: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  }
  return params.toString();
}

/**
 * Fetches the request form (for its cookie and CSRF token) and posts `fields` to POST /requests
 * as a browser does. Returns the answer and the agent, which keeps the cookies for what follows.
 */
export async function submitForm(
  app: Express,
  fields: Record<string, string | string[] | undefined>,
): Promise<{ res: request.Response; agent: ReturnType<typeof request.agent>; token: string }> {
  const { agent, token } = await formAgent(app, '/requests/new');
  const res = await agent
    .post('/requests')
    .type('form')
    .send(encodeForm({ ...fields, _csrf: token }));
  return { res, agent, token };
}

/** The status token at the end of a status link (`/status/<token>` or an absolute URL). */
export function statusTokenOf(link: string): string {
  const m = /\/status\/([A-Za-z0-9_-]+)$/.exec(link);
  if (!m) throw new Error(`not a status link: ${link}`);
  return m[1];
}
