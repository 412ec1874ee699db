import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from '@simplewebauthn/server';
import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors';
import * as mfa from '../queries/mfa.queries';
import { audit, findUserById } from '../queries/user.queries';
import { type MfaContext, factorsOf, mfaCovers } from './mfa.service';
import type { StaffActor } from './directors';
import { THROTTLE, noteFailure, secondStepKey, waitError, waitUntil } from './throttle.service';

/** Where passkeys are valid: this site's host name and origin (from PUBLIC_URL). */
interface RelyingParty {
  name: string;
  id: string;
  origin: string;
}

export function relyingPartyOf(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { name: 'LEEP TA Tracker', id: url.hostname, origin: url.origin };
}

class PasskeyRefusedError extends AppError {
  constructor() {
    super(401, 'passkey_refused', 'That passkey was not accepted. Try again, or use a code.');
  }
}

const transportsOf = (row: mfa.PasskeyRow) => (row.transports ? (row.transports.split(',') as AuthenticatorTransportFuture[]) : undefined);

/** Options for the browser to make a new passkey for a user (its challenge is kept in the session). */
export async function registrationOptions(rp: RelyingParty, userId: number) {
  const user = await findUserById(userId);
  if (!user) throw new NotFoundError();
  const existing = await mfa.listPasskeys(userId);
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(`leep-user-${user.id}`),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** Checks the browser's answer to `registrationOptions` and keeps the new passkey under its name. */
export async function finishRegistration(
  rp: RelyingParty,
  userId: number,
  name: string,
  response: unknown,
  challenge: string | undefined,
  ip: string,
): Promise<void> {
  const label = name.trim();
  if (!label || label.length > 60 || /[\p{Cc}\p{Cf}]/u.test(label))
    throw new ValidationError([{ field: 'name', message: 'Give the passkey a name of at most 60 characters' }]);
  if (!challenge) throw new ValidationError([{ field: 'passkey', message: 'Start again: the request for a passkey has expired' }]);
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
    });
  } catch {
    throw new ValidationError([{ field: 'passkey', message: 'The browser did not make a passkey we can use' }]);
  }
  if (!verified.verified) throw new ValidationError([{ field: 'passkey', message: 'The browser did not make a passkey we can use' }]);
  const { credential } = verified.registrationInfo;
  try {
    await mfa.insertPasskey({
      user_id: userId,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports?.join(',') ?? null,
      name: label,
      created_at: nowIso(),
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError([{ field: 'passkey', message: 'This passkey is already registered' }]);
    throw err;
  }
  await audit({
    actor_user_id: userId,
    action: 'mfa.passkey_added',
    subject: `user:${userId}`,
    ip,
    detail: { name: label },
    created_at: nowIso(),
  });
}

/** Options for the browser to sign in with one of the user's passkeys. */
export async function authenticationOptions(rp: RelyingParty, userId: number) {
  const keys = await mfa.listPasskeys(userId);
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: keys.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    userVerification: 'preferred',
  });
}

/** The second step with a passkey; a refusal counts against the second-step throttle. */
export async function verifyPasskey(
  rp: RelyingParty,
  userId: number,
  response: unknown,
  challenge: string | undefined,
  ip: string,
  now = Date.now(),
): Promise<void> {
  const until = await waitUntil([secondStepKey(userId)], now);
  if (until > now) throw waitError(until, now, 'wrong codes');
  const answer = response as AuthenticationResponseJSON | undefined;
  const key = typeof answer?.id === 'string' ? await mfa.findPasskey(userId, answer.id) : undefined;
  let ok = false;
  if (key && challenge) {
    try {
      const result = await verifyAuthenticationResponse({
        response: answer as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: key.credential_id,
          publicKey: Buffer.from(key.public_key, 'base64url'),
          counter: key.counter,
          transports: transportsOf(key),
        },
      });
      ok = result.verified;
      if (ok) await mfa.usePasskey(key.id, result.authenticationInfo.newCounter, nowIso());
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    await noteFailure([[secondStepKey(userId), THROTTLE.secondStep]], now);
    await audit({
      actor_user_id: userId,
      action: 'sign_in.second_step_failed',
      subject: `user:${userId}`,
      ip,
      detail: { method: 'passkey' },
      created_at: nowIso(),
    });
    throw new PasskeyRefusedError();
  }
}

/**
 * A user removes one of their passkeys; refused when MFA_REQUIRED covers them and it is their
 * only factor.
 */
export async function removePasskey(required: MfaContext['required'], user: StaffActor, id: number, ip: string): Promise<void> {
  const userId = user.id;
  const factors = await factorsOf(userId);
  if (mfaCovers(user.role, required) && !factors.totp && factors.passkeys.length <= 1)
    throw new ConflictError('Your account needs a second factor: set up an authenticator app or another passkey before removing this one.');
  if (!(await mfa.deletePasskey(userId, id))) throw new NotFoundError();
  await audit({
    actor_user_id: userId,
    action: 'mfa.passkey_removed',
    subject: `user:${userId}`,
    ip,
    detail: { id },
    created_at: nowIso(),
  });
}
