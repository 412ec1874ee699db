import { nowIso, db } from '../db';
import { AppError, TooManyRequestsError, ValidationError } from '../errors';
import { clearThrottle, lockIfReached, lockedUntil, releaseAttempt, takeAttempt } from '../queries/throttle.queries';
import { UserRow, findUserByEmail, insertAudit, updateUser } from '../queries/user.queries';
import { validateLogin } from '../schemas/user.schemas';
import { ScryptParams, burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './password.service';

export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  perAccount: 5,
  perAddress: 20,
};

/** The one answer for an unknown e-mail, a wrong password and a deactivated account. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'The e-mail address or password is not correct.');
  }
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const addressKey = (ip: string) => `ip:${ip}`;

/**
 * Checks a sign-in. Throttling is checked before any hashing, so a locked account or address
 * costs the server nothing; every attempt is counted per account and per address before the
 * password is checked (a success gives it back), and every failure is audited.
 */
export async function signIn(payload: unknown, ip: string, scrypt: ScryptParams, now = Date.now()): Promise<UserRow> {
  const input = validateLogin(payload);
  if (!input.email.trim() || !input.password) {
    throw new ValidationError([
      ...(input.email.trim() ? [] : [{ field: 'email', message: 'Enter your e-mail address' }]),
      ...(input.password ? [] : [{ field: 'password', message: 'Enter your password' }]),
    ]);
  }
  const [account, address] = [accountKey(input.email), addressKey(ip)];
  // The attempt is counted before the password is checked (and given back if it succeeds), so
  // that a burst of concurrent attempts cannot all get past the limit.
  let granted = await takeAttempt(account, now, THROTTLE.windowMs, THROTTLE.perAccount);
  if (granted && !(await takeAttempt(address, now, THROTTLE.windowMs, THROTTLE.perAddress))) {
    await releaseAttempt(account);
    granted = false;
  }
  if (!granted) {
    await insertAudit(db, { action: 'sign_in.throttled', subject: account, ip, created_at: nowIso() });
    const until = Math.max(await lockedUntil([account, address], now), now + 60_000);
    const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
    throw new TooManyRequestsError(`Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }

  const user = await findUserByEmail(input.email);
  let ok = false;
  if (user && user.active && user.password_hash) ok = await verifyPassword(input.password, user.password_hash);
  else await burnPasswordCheck(input.password, scrypt);

  const at = nowIso();
  if (!ok || !user) {
    await lockIfReached(account, now, THROTTLE.perAccount, THROTTLE.lockMs);
    await lockIfReached(address, now, THROTTLE.perAddress, THROTTLE.lockMs);
    await insertAudit(db, {
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
  await releaseAttempt(address);
  const changes: Partial<UserRow> = { last_sign_in_at: at };
  if (needsRehash(user.password_hash as string, scrypt)) changes.password_hash = await hashPassword(input.password, scrypt);
  await updateUser(db, user.id, changes);
  await insertAudit(db, { actor_user_id: user.id, action: 'sign_in.succeeded', subject: `user:${user.id}`, ip, created_at: at });
  return user;
}

/** Records a refused access (403, or 404 for a case the user may not see). */
export async function auditRefusal(userId: number | null, path: string, ip: string, status: number): Promise<void> {
  await insertAudit(db, { actor_user_id: userId, action: 'access.refused', subject: path.slice(0, 200), ip, detail: { status }, created_at: nowIso() });
}
