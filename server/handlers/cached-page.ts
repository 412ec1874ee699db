import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { sessionContext } from '../session-store';
import { dataVersion } from '../services/figures-cache';
import { CachedPage, cachedPage, keepPage } from '../services/page-cache';

// Where each request's CSRF token goes in a kept body, and where the body goes in the layout:
// random, so that no text a user typed can pass for either.
const TOKEN_MARK = `csrf-${crypto.randomBytes(18).toString('base64url')}`;
const BODY_MARK = `body-${crypto.randomBytes(18).toString('base64url')}`;

/** A page to render: its view and the view's values. */
export interface PageSpec {
  view: string;
  locals: Record<string, unknown>;
}

const versionOf = async (req: Request) => sessionContext(req)?.dataVersion ?? (await dataVersion());

// Ages in business days and "today" move with the clock, not the data: a kept page is at most a
// minute behind the clock, and never behind the data.
const MINUTE = 60_000;
// The role too: what a page shows depends on it, and a changed role must never be served the old one's page.
const keyOf = (req: Request, key: string) => `${req.user?.id ?? 0}|${req.user?.role ?? ''}|${Math.floor(Date.now() / MINUTE)}|${key}`;

const render = (res: Response, view: string, locals: Record<string, unknown>) =>
  new Promise<string>((resolve, reject) => res.render(view, locals, (err, html) => (err ? reject(err) : resolve(html))));

/** The layout of this request (user, menu, token) around a kept body, sent as bytes. */
async function send(res: Response, parts: Buffer[], layout: Record<string, unknown>): Promise<void> {
  const [head, tail] = (await render(res, 'pages/cached', { ...layout, cachedBody: BODY_MARK })).split(BODY_MARK);
  const chunks: Buffer[] = [Buffer.from(head)];
  if (parts.length > 1) {
    const token = Buffer.from((res.locals.csrfToken as () => string)());
    parts.forEach((part, i) => chunks.push(...(i ? [token, part] : [part])));
  } else chunks.push(parts[0]);
  chunks.push(Buffer.from(tail));
  res.status(200).type('html').send(Buffer.concat(chunks));
}

/** What is kept for `key` at this request's data version, made by `make` when there is none. */
async function kept(req: Request, key: string, make: () => Promise<Omit<CachedPage, 'version'>>): Promise<CachedPage> {
  const version = await versionOf(req);
  const fullKey = keyOf(req, key);
  const hit = cachedPage(fullKey, version);
  if (hit) return hit;
  const page = { version, ...(await make()) };
  keepPage(fullKey, page);
  return page;
}

/**
 * Renders a staff page once per data version and user, and afterwards only the layout around the
 * kept body. The body is what the page's own queries and template make; it changes only when the
 * data does (the version, read with the session in the same query), and it is kept at most a
 * minute, since ages and "today" move with the clock. The layout still comes from this request:
 * signed-in user, menu, and this request's CSRF token in every form. `key` names the page and
 * everything it depends on besides the user and the data: the path and query string.
 */
export async function renderCachedPage(req: Request, res: Response, key: string, build: () => Promise<PageSpec>): Promise<void> {
  const page = await kept(req, key, async () => {
    const spec = await build();
    const html = await render(res, spec.view, { ...spec.locals, layout: false, csrfToken: () => TOKEN_MARK });
    return { parts: html.split(TOKEN_MARK).map((p) => Buffer.from(p)), layout: { title: spec.locals.title } };
  });
  return send(res, page.parts, page.layout);
}

/** A text answer (a CSV export) made once per data version and user, as pages are (above). */
export async function cachedText(req: Request, key: string, build: () => Promise<string>): Promise<Buffer> {
  const page = await kept(req, key, async () => ({ parts: [Buffer.from(await build())], layout: {} }));
  return page.parts[0];
}
