import { nowIso } from '../values';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { clearThrottle, clearThrottlePrefixes, waitUnder } from '../queries/throttle.queries';
import { transaction } from '../queries/database.queries';
import { UserRow, audit, findUserByEmail, findUserById, insertAudit, updateUser } from '../queries/user.queries';
import { validateLogin } from '../schemas/user.schemas';
import { ScryptParams, burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './password.service';
import { type StaffActor, mustBeDirector } from './directors';
import { THROTTLE, accountKey, addressKey, noteFailure, pairKey, waitError, waitUntil } from './throttle.service';

/** The one answer for an unknown e-mail, a wrong password and a deactivated account. */
class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'The e-mail address or password is not correct.');
  }
}

/**
 * Checks a password sign-in (the first step). A key that must wait (see throttle.service) is
 * refused before any hashing, so it costs the server nothing; only failures are counted, per
 * account from this address, per account and per address; every failure is audited. A success
 * clears the account's counts.
 */
export async function signIn(payload: unknown, ip: string, scrypt: ScryptParams, now = Date.now()): Promise<UserRow> {
  const input = validateLogin(payload);
  if (!input.email.trim() || !input.password) {
    throw new ValidationError([
      ...(input.email.trim() ? [] : [{ field: 'email', message: 'Enter your e-mail address' }]),
      ...(input.password ? [] : [{ field: 'password', message: 'Enter your password' }]),
    ]);
  }
  const [account, pair, address] = [accountKey(input.email), pairKey(input.email, ip), addressKey(ip)];
  const until = await waitUntil([account, pair, address], now);
  if (until > now) {
    await audit({ action: 'sign_in.throttled', subject: account, ip, created_at: nowIso() });
    throw waitError(until, now);
  }

  const user = await findUserByEmail(input.email);
  let ok = false;
  if (user && user.active && user.password_hash) ok = await verifyPassword(input.password, user.password_hash);
  else await burnPasswordCheck(input.password, scrypt);

  const at = nowIso();
  if (!ok || !user) {
    await noteFailure(
      [
        [pair, THROTTLE.pair],
        [account, THROTTLE.account],
        [address, THROTTLE.address],
      ],
      now,
    );
    await audit({
      actor_user_id: user?.id ?? null,
      action: 'sign_in.failed',
      subject: account,
      ip,
      detail: { reason: !user ? 'unknown_account' : !user.active ? 'inactive' : 'wrong_password' },
      created_at: at,
    });
    throw new InvalidCredentialsError();
  }

  await clearThrottle(account);
  await clearThrottle(pair);
  if (needsRehash(user.password_hash as string, scrypt)) {
    const hash = await hashPassword(input.password, scrypt);
    await transaction((trx) => updateUser(trx, user.id, { password_hash: hash }));
  }
  await audit({ actor_user_id: user.id, action: 'sign_in.password_accepted', subject: `user:${user.id}`, ip, created_at: at });
  return user;
}

/** Records a completed sign-in (after the second step, or after the password when none is needed). */
export async function recordSignIn(userId: number, ip: string, method: string): Promise<void> {
  const at = nowIso();
  await transaction(async (trx) => {
    await updateUser(trx, userId, { last_sign_in_at: at });
    await insertAudit(trx, {
      actor_user_id: userId,
      action: 'sign_in.succeeded',
      subject: `user:${userId}`,
      ip,
      detail: { method },
      created_at: at,
    });
  });
}

/** Whether a user's sign-in is held back by a wait, and until when (for the directors' user page). */
export async function signInWaitOf(email: string, now = Date.now()): Promise<number> {
  return waitUnder(accountKey(email), now);
}

/** A director clears the failed sign-ins of another user's account (from every address); audited. */
export async function clearSignInWait(actor: StaffActor, userId: number, ip: string): Promise<void> {
  mustBeDirector(actor);
  const user = await findUserById(userId);
  if (!user) throw new NotFoundError();
  const cleared = await clearThrottlePrefixes([accountKey(user.email)]);
  await audit({
    actor_user_id: actor.id,
    action: 'sign_in.wait_cleared',
    subject: `user:${userId}`,
    ip,
    detail: { keys: cleared },
    created_at: nowIso(),
  });
}

/** Records a refused access (403, or 404 for a case the user may not see). */
export async function auditRefusal(userId: number | null, path: string, ip: string, status: number): Promise<void> {
  await audit({
    actor_user_id: userId,
    action: 'access.refused',
    subject: path.slice(0, 200),
    ip,
    detail: { status },
    created_at: nowIso(),
  });
}
