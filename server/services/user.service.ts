import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, FieldError, NotFoundError, ValidationError } from '../errors';
import { type Tx, transaction } from '../queries/database.queries';
import { activeTopicsBySlug } from '../queries/reference.queries';
import {
  UserRow,
  countUsers,
  deleteOtherSessionsOfUser,
  deleteSessionsOfUser,
  findUserById,
  insertAudit,
  insertUser,
  listUsers,
  lockFirstSetup,
  setUserTopics,
  topicIdsOfUser,
  updateUser,
} from '../queries/user.queries';
import { revokeTokensOfUser } from '../queries/token.queries';
import { UserCreateInput, UserUpdateInput, validateUserCreate, validateUserUpdate } from '../schemas/user.schemas';
import type { Role } from '../vocabulary';
import { signInWaitOf } from './auth.service';
import { type StaffActor, mustBeDirector } from './directors';
import { factorsOf } from './mfa.service';
import { ScryptParams, hashPassword, passwordProblem, verifyPassword } from './password.service';

type Actor = StaffActor;

/**
 * Who makes an account: a director (the users page), the operator at the command line (who runs
 * the server and may do anything), or the first-run setup (only while there is no user at all).
 */
type Maker = { actor: Actor } | { operator: true } | { onlyIfNoUsers: true };

/** True until the first user exists (the first-run setup is open). */
export async function isFirstRun(): Promise<boolean> {
  return (await countUsers()) === 0;
}

/** A user's role, or undefined for a user that does not exist (where to land after signing in). */
export async function roleOfUser(id: number): Promise<Role | undefined> {
  return (await findUserById(id))?.role;
}

/** Every user with their open cases and expertise (directors). */
export async function usersForAdmin(actor: Actor): ReturnType<typeof listUsers> {
  mustBeDirector(actor);
  return listUsers();
}

/**
 * A user as the directors' edit page shows it: details, expertise, second factors, and any wait
 * after failed sign-ins (a time, only while it lasts). Directors only; 404 for no such user.
 */
export async function userForAdmin(actor: Actor, id: number, now = Date.now()) {
  mustBeDirector(actor);
  const user = await findUserById(id);
  if (!user) throw new NotFoundError();
  const [topicIds, factors, waitUntil] = await Promise.all([topicIdsOfUser(id), factorsOf(id), signInWaitOf(user.email, now)]);
  return { user, topicIds, signIn: { factors, waiting: waitUntil > now ? new Date(waitUntil).toISOString() : undefined } };
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
export async function createUser(payload: unknown, options: { scrypt: ScryptParams } & Maker): Promise<UserRow> {
  if ('actor' in options) mustBeDirector(options.actor);
  const onlyIfNoUsers = 'onlyIfNoUsers' in options && options.onlyIfNoUsers;
  const input: UserCreateInput = validateUserCreate(payload);
  const email = input.email.trim().toLowerCase();
  const errors = passwordErrors({ ...input, email });
  if (errors.length) throw new ValidationError(errors);
  const topicIds = await topicIdsFor(input.topics);
  const passwordHash = await hashPassword(input.password, options.scrypt);
  const at = nowIso();
  try {
    const id = await transaction(async (trx) => {
      if (onlyIfNoUsers) {
        // Two first-run setups at once must not both create a director.
        await lockFirstSetup(trx);
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
        actor_user_id: 'actor' in options ? options.actor.id : newId,
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

/** The first-run setup: the first director, refused (409) once any user exists. */
export function createFirstDirector(payload: Record<string, unknown>, scrypt: ScryptParams): Promise<UserRow> {
  return createUser({ ...payload, role: 'director' }, { scrypt, onlyIfNoUsers: true });
}

/** Updates a staff account's details and expertise (directors). */
export async function updateUserDetails(id: number, payload: unknown, actor: Actor): Promise<void> {
  mustBeDirector(actor);
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
    await transaction(async (trx) => {
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

async function revokeTokens(trx: Tx, userId: number, actorId: number, at: string, reason: string): Promise<void> {
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

/** Deactivates (signs out everywhere, revokes the API tokens of) or reactivates a staff account (directors). */
export async function setUserActive(id: number, active: boolean, actor: Actor): Promise<void> {
  mustBeDirector(actor);
  const user = await findUserById(id);
  if (!user) throw new NotFoundError();
  if (user.id === actor.id && !active) throw new ConflictError('You cannot deactivate your own account.');
  const at = nowIso();
  await transaction(async (trx) => {
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
  actor: { id: number },
  input: { current_password: string; password: string; password_confirmation?: string },
  scrypt: ScryptParams,
  keepSessionId?: string,
): Promise<void> {
  const userId = actor.id;
  const user = await findUserById(userId);
  if (!user) throw new NotFoundError();
  if (!(await verifyPassword(input.current_password, user.password_hash))) {
    throw new ValidationError([{ field: 'current_password', message: 'Your current password is not correct' }]);
  }
  const errors = passwordErrors({ ...input, email: user.email, name: user.name });
  if (errors.length) throw new ValidationError(errors);
  const hash = await hashPassword(input.password, scrypt);
  const at = nowIso();
  await transaction(async (trx) => {
    await updateUser(trx, userId, { password_hash: hash, updated_at: at });
    // Whoever may have had the old password is signed out everywhere but here.
    await deleteOtherSessionsOfUser(trx, userId, keepSessionId ?? '');
    await insertAudit(trx, { actor_user_id: userId, action: 'user.password_changed', subject: `user:${userId}`, created_at: at });
  });
}
