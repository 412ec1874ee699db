import { nowIso } from '../values';
import { FieldError, NotFoundError, ValidationError } from '../errors';
import { transaction } from '../queries/database.queries';
import {
  type ApiTokenRow,
  findTokenInForce,
  insertApiToken,
  listApiTokens,
  revokeApiTokenRow,
  touchApiToken,
} from '../queries/token.queries';
import { insertAudit } from '../queries/user.queries';
import { textProblem, textProblemMessage } from '../schemas/text-rules';
import { type StaffActor, mustBeDirector } from './directors';
import { hashToken, randomToken } from './tokens';

/** What a token may do: `read` the reports' data, or also `write` engagements and notes. */
export const API_SCOPES = { read: 'Read only', write: 'Read and write' } as const;
type ApiScope = keyof typeof API_SCOPES;

const PREFIX = 'leep_';

/** A director makes a named token of their own; the token itself is returned once and never stored. */
export async function createApiToken(actor: StaffActor, name: unknown, scope: unknown = 'read'): Promise<{ token: string; id: number }> {
  mustBeDirector(actor);
  const userId = actor.id;
  const label = typeof name === 'string' ? name.trim() : '';
  const errors: FieldError[] = [];
  if (!label) errors.push({ field: 'name', message: 'Enter a name for the token, such as the tool that will use it' });
  else if (label.length > 100) errors.push({ field: 'name', message: 'Name must be 100 characters or fewer' });
  else {
    const problem = textProblem(label, true);
    if (problem) errors.push({ field: 'name', message: textProblemMessage(problem, 'Name') });
  }
  if (typeof scope !== 'string' || !Object.hasOwn(API_SCOPES, scope))
    errors.push({ field: 'scope', message: 'Choose what the token may do' });
  if (errors.length) throw new ValidationError(errors);
  const token = `${PREFIX}${randomToken()}`;
  const at = nowIso();
  return transaction(async (trx) => {
    const id = await insertApiToken(trx, {
      user_id: userId,
      name: label,
      scope: scope as ApiScope,
      token_hash: hashToken(token),
      prefix: token.slice(0, 12),
      created_at: at,
    });
    await insertAudit(trx, {
      actor_user_id: userId,
      action: 'api_token.created',
      subject: `api_token:${id}`,
      detail: { name: label, scope },
      created_at: at,
    });
    return { token, id };
  });
}

/** Every token, newest first, with its owner's name (directors). */
export async function apiTokensFor(actor: StaffActor): Promise<(ApiTokenRow & { user_name: string })[]> {
  mustBeDirector(actor);
  return listApiTokens();
}

/** A token still in force, as the page asking to confirm its revocation names it (directors); 404 otherwise. */
export async function apiTokenInForce(actor: StaffActor, id: number): Promise<ApiTokenRow> {
  const token = (await apiTokensFor(actor)).find((t) => Number(t.id) === id && !t.revoked_at);
  if (!token) throw new NotFoundError('No active token with that number.');
  return token;
}

/** A director revokes a token at once; it answers 401 from then on. */
export async function revokeApiToken(id: number, actor: StaffActor): Promise<void> {
  mustBeDirector(actor);
  const at = nowIso();
  await transaction(async (trx) => {
    if (!(await revokeApiTokenRow(trx, id, at))) throw new NotFoundError('No active token with that number.');
    await insertAudit(trx, { actor_user_id: actor.id, action: 'api_token.revoked', subject: `api_token:${id}`, created_at: at });
  });
}

/** Who a bearer token speaks for, and what it may do. */
interface TokenHolder {
  user: { id: number; name: string; email: string; role: 'director' };
  tokenId: number;
  scope: ApiScope;
}

/**
 * The director behind a bearer token, or undefined. A revoked token, or one whose owner is no
 * longer an active director, does not authenticate (a consultant's token cannot be used).
 */
export async function authenticateToken(token: string): Promise<TokenHolder | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  const row = await findTokenInForce(hashToken(token));
  if (!row || row.role !== 'director' || !row.active) return undefined;
  const now = Date.now();
  // Last use is recorded at most once a minute, so that a busy integration does not write on every call.
  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() > 60_000) {
    await touchApiToken(row.id, new Date(now).toISOString());
  }
  return {
    user: { id: Number(row.user_id), name: row.name, email: row.email, role: 'director' },
    tokenId: Number(row.id),
    scope: row.scope === 'write' ? 'write' : 'read',
  };
}
