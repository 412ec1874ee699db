import type { Knex } from 'knex';
import { db, isPostgres } from '../db';
import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { activeTopicsBySlug } from '../queries/reference.queries';
import {
  UserRow,
  countUsers,
  deleteSessionsOfUser,
  findUserById,
  insertAudit,
  insertUser,
  setUserTopics,
  updateUser,
} from '../queries/user.queries';
import { revokeTokensOfUser } from '../queries/token.queries';
import { UserCreateInput, UserUpdateInput, validateUserCreate, validateUserUpdate } from '../schemas/user.schemas';
import { ScryptParams, hashPassword, passwordProblem, verifyPassword } from './password.service';

interface Actor {
  id: number;
  role: 'director' | 'consultant';
}

function passwordErrors(input: { password: string; password_confirmation?: string; email?: string; name?: string }): FieldError[] {
  const errors: FieldError[] = [];
  const problem = passwordProblem(input.password, [input.email ?? '', input.name ?? ''].filter(Boolean));
  if (problem) errors.push({ field: 'password', message: problem });
  else if (input.password_confirmation !== undefined && input.password_confirmation !== input.password) {
    errors.push({ field: 'password_confirmation', message: 'The two passwords do not match' });
  }
  return errors;
}

async function topicIdsFor(slugs: string[] | undefined): Promise<number[]> {
  if (!slugs?.length) return [];
  const topics = await activeTopicsBySlug(slugs);
  if (topics.length !== slugs.length) throw new ValidationError([{ field: 'topics', message: 'Choose topics from the list' }]);
  return topics.map((t) => t.id);
}

/**
 * Creates a staff account after checking the password policy. With `onlyIfNoUsers`, it is the
 * first-run setup: it refuses (409) as soon as any user exists, even under concurrent attempts.
 */
export async function createUser(
  payload: unknown,
  options: { scrypt: ScryptParams; actorId?: number | null; onlyIfNoUsers?: boolean },
): Promise<UserRow> {
  const input: UserCreateInput = validateUserCreate(payload);
  const email = input.email.trim().toLowerCase();
  const errors = passwordErrors({ ...input, email });
  if (errors.length) throw new ValidationError(errors);
  const topicIds = await topicIdsFor(input.topics);
  const passwordHash = await hashPassword(input.password, options.scrypt);
  const at = nowIso();
  try {
    const id = await db.transaction(async (trx) => {
      if (options.onlyIfNoUsers) {
        // Two first-run setups at once must not both create a director.
        if (isPostgres(trx)) await trx.raw('LOCK TABLE users IN EXCLUSIVE MODE');
        if ((await countUsers(trx)) > 0) throw new ConflictError('Setup is already done. Sign in instead.');
      }
      const newId = await insertUser(trx, {
        email,
        name: input.name.trim(),
        role: input.role,
        password_hash: passwordHash,
        active: true,
        capacity: input.capacity ?? 5,
        created_at: at,
        updated_at: at,
      });
      await setUserTopics(trx, newId, topicIds);
      await insertAudit(trx, {
        actor_user_id: options.actorId ?? newId,
        action: 'user.created',
        subject: `user:${newId}`,
        detail: { email, role: input.role },
        created_at: at,
      });
      return newId;
    });
    return (await findUserById(id)) as UserRow;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError([{ field: 'email', message: 'A user with this e-mail address already exists' }]);
    throw err;
  }
}

/** Updates a staff account's details and expertise (directors only; checked by the route). */
export async function updateUserDetails(id: number, payload: unknown, actor: Actor): Promise<void> {
  const input: UserUpdateInput = validateUserUpdate(payload);
  const before = await findUserById(id);
  if (!before) throw new NotFoundError();
  if (before.id === actor.id && input.role !== 'director') {
    throw new ValidationError([{ field: 'role', message: 'You cannot remove your own director role' }]);
  }
  const topicIds = await topicIdsFor(input.topics);
  const email = input.email.trim().toLowerCase();
  const at = nowIso();
  try {
    await db.transaction(async (trx) => {
      await updateUser(trx, id, {
        name: input.name.trim(),
        email,
        role: input.role,
        capacity: input.capacity ?? before.capacity,
        updated_at: at,
      });
      await setUserTopics(trx, id, topicIds);
      // A director's tokens end with the role, for good: promoting back does not revive them.
      if (before.role === 'director' && input.role !== 'director') await revokeTokens(trx, id, actor.id, at, 'demoted');
      await insertAudit(trx, {
        actor_user_id: actor.id,
        action: 'user.updated',
        subject: `user:${id}`,
        detail: {
          before: { name: before.name, email: before.email, role: before.role, capacity: before.capacity },
          after: { name: input.name, email, role: input.role, capacity: input.capacity },
        },
        created_at: at,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError([{ field: 'email', message: 'A user with this e-mail address already exists' }]);
    throw err;
  }
}

async function revokeTokens(trx: Knex.Transaction, userId: number, actorId: number, at: string, reason: string): Promise<void> {
  for (const tokenId of await revokeTokensOfUser(trx, userId, at)) {
    await insertAudit(trx, {
      actor_user_id: actorId,
      action: 'api_token.revoked',
      subject: `api_token:${tokenId}`,
      detail: { reason },
      created_at: at,
    });
  }
}

/** Deactivates (signs out everywhere, revokes the API tokens of) or reactivates a staff account. */
export async function setUserActive(id: number, active: boolean, actor: Actor): Promise<void> {
  const user = await findUserById(id);
  if (!user) throw new NotFoundError();
  if (user.id === actor.id && !active) throw new ConflictError('You cannot deactivate your own account.');
  const at = nowIso();
  await db.transaction(async (trx) => {
    await updateUser(trx, id, { active, updated_at: at });
    if (!active) await deleteSessionsOfUser(trx, id);
    // Revoked for good: reactivating the account does not revive them.
    if (!active) await revokeTokens(trx, id, actor.id, at, 'deactivated');
    await insertAudit(trx, {
      actor_user_id: actor.id,
      action: active ? 'user.reactivated' : 'user.deactivated',
      subject: `user:${id}`,
      created_at: at,
    });
  });
}

/** Changes one's own password after checking the current one, and ends one's other sessions. */
export async function changePassword(
  userId: number,
  input: { current_password: string; password: string; password_confirmation?: string },
  scrypt: ScryptParams,
  keepSessionId?: string,
): Promise<void> {
  const user = await findUserById(userId);
  if (!user) throw new NotFoundError();
  if (!(await verifyPassword(input.current_password, user.password_hash))) {
    throw new ValidationError([{ field: 'current_password', message: 'Your current password is not correct' }]);
  }
  const errors = passwordErrors({ ...input, email: user.email, name: user.name });
  if (errors.length) throw new ValidationError(errors);
  const hash = await hashPassword(input.password, scrypt);
  const at = nowIso();
  await db.transaction(async (trx) => {
    await updateUser(trx, userId, { password_hash: hash, updated_at: at });
    // Whoever may have had the old password is signed out everywhere but here.
    await trx('sessions')
      .where({ user_id: userId })
      .whereNot('sid', keepSessionId ?? '')
      .delete();
    await insertAudit(trx, { actor_user_id: userId, action: 'user.password_changed', subject: `user:${userId}`, created_at: at });
  });
}
