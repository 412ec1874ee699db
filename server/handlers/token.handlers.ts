import type { Request, Response } from 'express';
import { idParam } from './params';
import { NotFoundError, ValidationError } from '../errors';
import { askFirst } from './confirm';
import { API_SCOPES, createApiToken, listApiTokens, revokeApiToken } from '../services/token.service';
import { errorsOf } from './helpers';

async function render(res: Response, status = 200, extra: Record<string, unknown> = {}): Promise<void> {
  const tokens = (await listApiTokens()).map((t) => ({ ...t, scopeLabel: API_SCOPES[t.scope] ?? t.scope }));
  const scopes = Object.entries(API_SCOPES).map(([value, label]) => ({
    value,
    label: value === 'read' ? `${label}: lists and reports` : `${label}: also record engagements and notes`,
  }));
  res
    .status(status)
    .render('pages/admin/tokens', { title: 'API tokens', tokens, scopes, values: { scope: 'read' }, errors: {}, errorList: [], ...extra });
}

export const index = (_req: Request, res: Response) => render(res);

export async function create(req: Request, res: Response): Promise<void> {
  try {
    const { token } = await createApiToken((req.user as { id: number }).id, (req.body ?? {}).name, (req.body ?? {}).scope);
    // Shown once, on the answer to this POST itself (no redirect): the token is never written to
    // the session store, and only its hash is kept. Neither the browser nor a proxy keeps the page.
    res.set('Cache-Control', 'no-store');
    await render(res, 201, { newToken: token });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await render(res, 422, { values: { name: (req.body ?? {}).name, scope: (req.body ?? {}).scope }, ...errorsOf(err) });
  }
}

export async function revoke(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  const token = (await listApiTokens()).find((t) => Number(t.id) === id && !t.revoked_at);
  if (!token) throw new NotFoundError('No active token with that number.');
  const asked = askFirst(req, res, {
    title: `Revoke the API token "${token.name}"?`,
    details: [
      'Programs that use it are refused from the moment it is revoked. This cannot be undone: a new token would have to be made and given to them.',
    ],
    confirmLabel: 'Yes, revoke the token',
    backHref: '/admin/tokens',
  });
  if (asked) return;
  await revokeApiToken(id, (req.user as { id: number }).id);
  res.redirect(303, '/admin/tokens');
}
