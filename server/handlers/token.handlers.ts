import type { Request, Response } from 'express';
import { idParam } from './params';
import { askFirst } from './confirm';
import { API_SCOPES, apiTokenInForce, apiTokensFor, createApiToken, revokeApiToken } from '../services/token.service';
import { actorOf, errorsOf, formOrAgain } from './helpers';

const SCOPE_LABELS: Record<string, string> = API_SCOPES;

async function render(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}): Promise<void> {
  const tokens = (await apiTokensFor(actorOf(req))).map((t) => ({ ...t, scopeLabel: SCOPE_LABELS[t.scope] ?? t.scope }));
  const scopes = Object.entries(API_SCOPES).map(([value, label]) => ({
    value,
    label: value === 'read' ? `${label}: lists and reports` : `${label}: also record engagements and notes`,
  }));
  res
    .status(status)
    .render('pages/admin/tokens', { title: 'API tokens', tokens, scopes, values: { scope: 'read' }, errors: {}, errorList: [], ...extra });
}

export const index = (req: Request, res: Response) => render(req, res);

export async function create(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      const { token } = await createApiToken(actorOf(req), body.name, body.scope);
      // Shown once, on the answer to this POST itself (no redirect): the token is never written to
      // the session store, and only its hash is kept. Neither the browser nor a proxy keeps the page.
      res.set('Cache-Control', 'no-store');
      await render(req, res, 201, { newToken: token });
    },
    (err) => render(req, res, 422, { values: { name: body.name, scope: body.scope }, ...errorsOf(err) }),
  );
}

export async function revoke(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  const token = await apiTokenInForce(actorOf(req), id);
  const asked = askFirst(req, res, {
    title: `Revoke the API token "${token.name}"?`,
    details: [
      'Programs that use it are refused from the moment it is revoked. This cannot be undone: a new token would have to be made and given to them.',
    ],
    confirmLabel: 'Yes, revoke the token',
    backHref: '/admin/tokens',
  });
  if (asked) return;
  await revokeApiToken(id, actorOf(req));
  res.redirect(303, '/admin/tokens');
}
