import { db, Queryable, reads } from '../db';
import { num, toDate } from '../values';

interface TotpRow {
  user_id: number;
  secret_sealed: string;
  confirmed_at: Date | null;
  last_step: number;
}

export interface PasskeyRow {
  id: number;
  user_id: number;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string | null;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

export async function findTotp(userId: number, q: Queryable = reads): Promise<TotpRow | undefined> {
  const row = await q('user_totp').where({ user_id: userId }).first();
  return row
    ? {
        user_id: num(row.user_id),
        secret_sealed: String(row.secret_sealed),
        confirmed_at: toDate(row.confirmed_at),
        last_step: num(row.last_step),
      }
    : undefined;
}

/** Stores a new, unconfirmed key for a user, replacing any key not yet confirmed. */
export async function putUnconfirmedTotp(userId: number, sealed: string, at: string, q: Queryable = db): Promise<void> {
  await q('user_totp').where({ user_id: userId }).whereNull('confirmed_at').delete();
  await q('user_totp').insert({ user_id: userId, secret_sealed: sealed, confirmed_at: null, last_step: -1, created_at: at });
}

/**
 * Takes a time step for a user's key in one statement: true only if it is later than every step
 * taken before, so that a code is accepted once, however many requests race with it.
 */
export async function takeTotpStep(userId: number, step: number, confirmAt: string | null, q: Queryable = db): Promise<boolean> {
  const changes: Record<string, unknown> = { last_step: step };
  if (confirmAt) changes.confirmed_at = confirmAt;
  return Number(await q('user_totp').where({ user_id: userId }).andWhere('last_step', '<', step).update(changes)) === 1;
}

export async function deleteTotp(userId: number, q: Queryable = db): Promise<void> {
  await q('user_totp').where({ user_id: userId }).delete();
}

export async function replaceRecoveryCodes(userId: number, hashes: string[], at: string, q: Queryable = db): Promise<void> {
  await q('recovery_codes').where({ user_id: userId }).delete();
  await q('recovery_codes').insert(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null, created_at: at })));
}

/** Marks an unused code used in one statement; true if it was there and unused. */
export async function useRecoveryCode(userId: number, hash: string, at: string, q: Queryable = db): Promise<boolean> {
  return Number(await q('recovery_codes').where({ user_id: userId, code_hash: hash }).whereNull('used_at').update({ used_at: at })) === 1;
}

export async function countUnusedRecoveryCodes(userId: number, q: Queryable = reads): Promise<number> {
  return num((await q('recovery_codes').where({ user_id: userId }).whereNull('used_at').count({ n: '*' }))[0].n);
}

export async function deleteRecoveryCodes(userId: number, q: Queryable = db): Promise<void> {
  await q('recovery_codes').where({ user_id: userId }).delete();
}

function passkeyOf(row: Record<string, unknown>): PasskeyRow {
  return {
    id: num(row.id),
    user_id: num(row.user_id),
    credential_id: String(row.credential_id),
    public_key: String(row.public_key),
    counter: num(row.counter),
    transports: (row.transports as string | null) ?? null,
    name: String(row.name),
    created_at: toDate(row.created_at) as Date,
    last_used_at: toDate(row.last_used_at),
  };
}

export async function listPasskeys(userId: number, q: Queryable = reads): Promise<PasskeyRow[]> {
  return (await q('passkeys').where({ user_id: userId }).orderBy('id')).map(passkeyOf);
}

export async function findPasskey(userId: number, credentialId: string, q: Queryable = reads): Promise<PasskeyRow | undefined> {
  const row = await q('passkeys').where({ user_id: userId, credential_id: credentialId }).first();
  return row ? passkeyOf(row) : undefined;
}

export async function insertPasskey(
  row: Omit<PasskeyRow, 'id' | 'last_used_at' | 'created_at'> & { created_at: string },
  q: Queryable = db,
): Promise<void> {
  await q('passkeys').insert({ ...row, last_used_at: null });
}

/** Records a use, moving the signature counter forward only (a cloned key shows an older one). */
export async function usePasskey(id: number, counter: number, at: string, q: Queryable = db): Promise<void> {
  await q('passkeys').where({ id }).update({ counter, last_used_at: at });
}

/** Deletes one of a user's passkeys; true if it was theirs. */
export async function deletePasskey(userId: number, id: number, q: Queryable = db): Promise<boolean> {
  return Number(await q('passkeys').where({ user_id: userId, id }).delete()) === 1;
}

export async function deletePasskeys(userId: number, q: Queryable = db): Promise<void> {
  await q('passkeys').where({ user_id: userId }).delete();
}
