// Posting files to the upload page and reading what it shows.

import type request from 'supertest';

const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`' })[e] as string,
  );

/** The rows of the upload page's problem table. */
export function problemsShown(html: string): { row: number; column: string; message: string }[] {
  return [...html.matchAll(/<tr><th scope="row">(\d+)<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => ({
    row: Number(m[1]),
    column: decode(m[2]),
    message: decode(m[3]),
  }));
}

/** The summary line of a clean check or import, as the page shows it. */
export function summaryShown(html: string): string | undefined {
  const m = /<p class="usa-alert__text">([\s\S]*?)<\/p>/.exec(html);
  return m ? decode(m[1]).replace(/\s+/g, ' ').trim() : undefined;
}

type Agent = ReturnType<typeof request.agent>;

/** Posts a file to /admin/import as the form does (multipart, with the CSRF token unless it is left out). */
export function upload(
  agent: Agent,
  file: string | Buffer,
  options: { action?: 'check' | 'import'; token?: string; name?: string } = {},
): request.Test {
  let req = agent.post('/admin/import');
  if (options.token !== undefined) req = req.field('_csrf', options.token);
  if (options.action) req = req.field('action', options.action);
  return req.attach('file', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), {
    filename: options.name ?? 'records.csv',
    contentType: 'text/csv',
  });
}
