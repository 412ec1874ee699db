import crypto from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import { nowIso } from '../values';
import { AppError, ConflictError, NotFoundError } from '../errors';
import * as mfa from '../queries/mfa.queries';
import { transaction } from '../queries/database.queries';
import { audit, deleteSessionsOfUser, findUserById, insertAudit } from '../queries/user.queries';
import { type StaffActor, mustBeDirector } from './directors';
import { THROTTLE, noteFailure, secondStepKey, waitError, waitUntil } from './throttle.service';

/** What the second-factor services need from the configuration. */
export interface MfaContext {
  /** The app secret: seals TOTP keys and keys the recovery-code hashes. */
  secret: string;
  required: 'directors' | 'all' | 'off';
  issuer: string;
}

const TOTP_PERIOD = 30;
const RECOVERY_CODES = 10;
// Crockford's base32 without the letters people misread (I, L, O, U).
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The answer for a wrong, used or replayed code (the page does not say which). */
class WrongCodeError extends AppError {
  constructor() {
    super(401, 'wrong_code', 'That code is not correct, or it has been used already.');
  }
}

/** Whether MFA_REQUIRED covers a user of this role. */
export function mfaCovers(role: 'director' | 'consultant', required: MfaContext['required']): boolean {
  return required === 'all' || (required === 'directors' && role === 'director');
}

function sealKey(secret: string): Buffer {
  return crypto.createHash('sha256').update(`totp-seal:${secret}`).digest();
}

/** AES-256-GCM with a key derived from the app secret: a copy of the database alone gives no key. */
function seal(secret: string, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

function unseal(secret: string, sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = crypto.createDecipheriv('aes-256-gcm', sealKey(secret), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

function recoveryHash(ctx: MfaContext, userId: number, code: string): string {
  return crypto.createHmac('sha256', ctx.secret).update(`recovery:${userId}:${code}`).digest('hex');
}

/** Upper case, without spaces or dashes: how codes are compared. */
const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/** A user's factors, for their account page, the directors' page and the sign-in decision. */
export async function factorsOf(
  userId: number,
): Promise<{ totp: boolean; passkeys: mfa.PasskeyRow[]; recoveryLeft: number; any: boolean }> {
  const [totp, passkeys, recoveryLeft] = await Promise.all([
    mfa.findTotp(userId),
    mfa.listPasskeys(userId),
    mfa.countUnusedRecoveryCodes(userId),
  ]);
  const hasTotp = Boolean(totp?.confirmed_at);
  return { totp: hasTotp, passkeys, recoveryLeft, any: hasTotp || passkeys.length > 0 };
}

/** The key being set up and its QR code (an SVG made here: no third party sees the key). */
interface TotpSetup {
  secret: string;
  /** The key in groups of four, easier to type. */
  secretGrouped: string;
  uri: string;
  qrSvg: string;
}

async function setupOf(ctx: MfaContext, email: string, secret: string): Promise<TotpSetup> {
  const uri = generateURI({ issuer: ctx.issuer, label: email, secret });
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, secretGrouped: secret.replace(/(.{4})(?=.)/g, '$1 '), uri, qrSvg };
}

/** The key being set up for a user: the one not yet confirmed, or a new one. Refused while a key is in use. */
export async function totpSetup(ctx: MfaContext, userId: number): Promise<TotpSetup> {
  const user = await findUserById(userId);
  if (!user) throw new NotFoundError();
  const row = await mfa.findTotp(userId);
  if (row?.confirmed_at) throw new ConflictError('An authenticator app is already set up. Remove it first to set up another.');
  if (row) return setupOf(ctx, user.email, unseal(ctx.secret, row.secret_sealed));
  const secret = generateSecret();
  await mfa.putUnconfirmedTotp(userId, seal(ctx.secret, secret), nowIso());
  return setupOf(ctx, user.email, secret);
}

/** The time step a code matches (this step, or one either side for clock drift), or undefined. */
function matchStep(secret: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = verifySync({ secret, token: code, epoch: Math.floor(now / 1000), epochTolerance: TOTP_PERIOD });
  return result.valid ? Math.floor(now / 1000 / TOTP_PERIOD) + result.delta : undefined;
}

/** New recovery codes for a user (the old ones stop working); returned once, stored hashed. */
async function newRecoveryCodes(ctx: MfaContext, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const chars = Array.from(crypto.randomBytes(10), (b) => CODE_ALPHABET[b & 31]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
  await mfa.replaceRecoveryCodes(
    userId,
    codes.map((c) => recoveryHash(ctx, userId, normalizeCode(c))),
    nowIso(),
  );
  return codes;
}

/**
 * Confirms the key being set up with its first code. Returns the recovery codes, made now if the
 * user has none left (they are shown once). A wrong code counts against the second-step throttle.
 */
export async function confirmTotp(
  ctx: MfaContext,
  userId: number,
  code: string,
  ip: string,
  now = Date.now(),
): Promise<string[] | undefined> {
  const row = await mfa.findTotp(userId);
  if (!row || row.confirmed_at) throw new ConflictError('There is no authenticator app being set up.');
  await refuseWhileWaiting(userId, now);
  const step = matchStep(unseal(ctx.secret, row.secret_sealed), normalizeCode(code), now);
  if (step === undefined || !(await mfa.takeTotpStep(userId, step, nowIso()))) {
    await noteFailure([[secondStepKey(userId), THROTTLE.secondStep]], now);
    throw new WrongCodeError();
  }
  await audit({ actor_user_id: userId, action: 'mfa.totp_added', subject: `user:${userId}`, ip, created_at: nowIso() });
  return (await mfa.countUnusedRecoveryCodes(userId)) > 0 ? undefined : newRecoveryCodes(ctx, userId);
}

async function refuseWhileWaiting(userId: number, now: number): Promise<void> {
  const until = await waitUntil([secondStepKey(userId)], now);
  if (until > now) throw waitError(until, now, 'wrong codes');
}

/**
 * The second step of a sign-in with a code: a TOTP code (accepted once: a code already used, or
 * older than the last one used, is refused) or one of the recovery codes (each works once).
 * Wrong codes meet growing delays of their own, per user. Returns how the user signed in.
 */
export async function verifyCode(
  ctx: MfaContext,
  userId: number,
  code: string,
  ip: string,
  now = Date.now(),
): Promise<'totp' | 'recovery_code'> {
  await refuseWhileWaiting(userId, now);
  const typed = normalizeCode(code);
  const row = await mfa.findTotp(userId);
  if (row?.confirmed_at) {
    const step = matchStep(unseal(ctx.secret, row.secret_sealed), typed, now);
    if (step !== undefined && (await mfa.takeTotpStep(userId, step, null))) return 'totp';
  }
  if (typed.length === 10 && (await mfa.useRecoveryCode(userId, recoveryHash(ctx, userId, typed), nowIso()))) {
    await audit({ actor_user_id: userId, action: 'mfa.recovery_code_used', subject: `user:${userId}`, ip, created_at: nowIso() });
    return 'recovery_code';
  }
  await noteFailure([[secondStepKey(userId), THROTTLE.secondStep]], now);
  await audit({
    actor_user_id: userId,
    action: 'sign_in.second_step_failed',
    subject: `user:${userId}`,
    ip,
    detail: { method: 'code' },
    created_at: nowIso(),
  });
  throw new WrongCodeError();
}

/** A user with a second factor makes new recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: MfaContext, userId: number, ip: string): Promise<string[]> {
  if (!(await factorsOf(userId)).any) throw new ConflictError('Set up an authenticator app or a passkey first.');
  const codes = await newRecoveryCodes(ctx, userId);
  await audit({
    actor_user_id: userId,
    action: 'mfa.recovery_codes_regenerated',
    subject: `user:${userId}`,
    ip,
    created_at: nowIso(),
  });
  return codes;
}

/** A user removes their authenticator app; refused when MFA_REQUIRED covers them and it is their only factor. */
export async function removeTotp(ctx: MfaContext, user: { id: number; role: 'director' | 'consultant' }, ip: string): Promise<void> {
  const factors = await factorsOf(user.id);
  if (mfaCovers(user.role, ctx.required) && factors.passkeys.length === 0)
    throw new ConflictError('Your account needs a second factor: add a passkey before removing the authenticator app.');
  await mfa.deleteTotp(user.id);
  await audit({ actor_user_id: user.id, action: 'mfa.totp_removed', subject: `user:${user.id}`, ip, created_at: nowIso() });
}

/** The second step has succeeded: its throttle starts again. */
export { clearThrottle as clearSecondStepThrottle } from '../queries/throttle.queries';

/**
 * A director removes every second factor of another user (key, recovery codes, passkeys) and ends
 * that user's sessions, in one transaction; audited. The user enrols again at next sign-in.
 */
export async function resetFactors(actor: StaffActor, userId: number, ip: string): Promise<void> {
  mustBeDirector(actor);
  const actorId = actor.id;
  if (actorId === userId) throw new ConflictError('You cannot reset your own second factors; ask another director.');
  await transaction(async (trx) => {
    const user = await findUserById(userId, trx);
    if (!user) throw new NotFoundError();
    await mfa.deleteTotp(userId, trx);
    await mfa.deleteRecoveryCodes(userId, trx);
    await mfa.deletePasskeys(userId, trx);
    await deleteSessionsOfUser(trx, userId);
    await insertAudit(trx, { actor_user_id: actorId, action: 'mfa.reset', subject: `user:${userId}`, ip, created_at: nowIso() });
  });
}
