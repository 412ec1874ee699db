import { db } from '../db';
import { nowIso } from '../values';
import { FieldError, NotFoundError, ValidationError } from '../errors';
import { insertAudit } from '../queries/user.queries';
import { textProblem, textProblemMessage } from '../schemas/text-rules';
import { hashToken, randomToken } from './tokens';

interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: string | Date;
  last_used_at: string | Date | null;
  revoked_at: string | Date | null;
  scope: ApiScope;
}

/** What a token may do: `read` the reports' data, or also `write` engagements and notes. */
export const API_SCOPES = { read: 'Read only', write: 'Read and write' } as const;
type ApiScope = keyof typeof API_SCOPES;

const PREFIX = 'leep_';

/** Makes a named token for a director; the token itself is returned once and never stored. */
export async function createApiToken(userId: number, name: unknown, scope: unknown = 'read'): Promise<{ token: string; id: number }> {
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
  return db.transaction(async (trx) => {
    const [row] = await trx('api_tokens')
      .insert({ user_id: userId, name: label, scope, token_hash: hashToken(token), prefix: token.slice(0, 12), created_at: at })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
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

export async function listApiTokens(): Promise<(ApiTokenRow & { user_name: string })[]> {
  return db('api_tokens')
    .join('users', 'users.id', 'api_tokens.user_id')
    .orderBy('api_tokens.id', 'desc')
    .select('api_tokens.*', 'users.name as user_name');
}

/** Revokes a token at once; it answers 401 from then on. */
export async function revokeApiToken(id: number, actorId: number): Promise<void> {
  const at = nowIso();
  await db.transaction(async (trx) => {
    const n = await trx('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at });
    if (!n) throw new NotFoundError('No active token with that number.');
    await insertAudit(trx, { actor_user_id: actorId, action: 'api_token.revoked', subject: `api_token:${id}`, created_at: at });
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
  const row = await db('api_tokens')
    .join('users', 'users.id', 'api_tokens.user_id')
    .where({ 'api_tokens.token_hash': hashToken(token) })
    .whereNull('api_tokens.revoked_at')
    .first(
      'api_tokens.id',
      'api_tokens.scope',
      'api_tokens.last_used_at',
      'users.id as user_id',
      'users.name',
      'users.email',
      'users.role',
      'users.active',
    );
  if (!row || row.role !== 'director' || !(row.active === true || row.active === 1)) return undefined;
  const now = Date.now();
  // Last use is recorded at most once a minute, so that a busy integration does not write on every call.
  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() > 60_000) {
    await db('api_tokens')
      .where({ id: row.id })
      .update({ last_used_at: new Date(now).toISOString() });
  }
  return {
    user: { id: Number(row.user_id), name: row.name, email: row.email, role: 'director' },
    tokenId: Number(row.id),
    scope: row.scope === 'write' ? 'write' : 'read',
  };
}
