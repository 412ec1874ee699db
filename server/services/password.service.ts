import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { isBreached } from './breached-passwords';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, keylen: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

/**
 * OWASP's equivalent scrypt settings (Password Storage Cheat Sheet): the same work with less
 * memory as N falls and p rises. The default, N=2^15 with p=3, needs 32 MiB a hash instead of
 * N=2^17's 128 MiB, which keeps a server under its memory budget while people sign in.
 */
const OWASP_P: Record<number, number> = { 17: 1, 16: 2, 15: 3, 14: 5, 13: 10 };

/** The scrypt settings for a cost (log2 of N): r=8 and OWASP's p for that N (p=1 below 13, tests only). */
export function scryptParams(logN: number): ScryptParams {
  return { logN, r: 8, p: OWASP_P[logN] ?? 1 };
}

// At most two hashes at a time: each holds its memory (32 MiB by default) for a fraction of a
// second, and a burst of sign-ins must not multiply it.
const MAX_CONCURRENT_HASHES = 2;
let hashing = 0;
const waiting: (() => void)[] = [];
async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  hashing += 1;
  try {
    return await work();
  } finally {
    hashing -= 1;
    waiting.shift()?.();
  }
}

const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// scrypt needs 128·r·N bytes (128 MiB at N=2^17) and refuses to run unless maxmem is above that.
const maxmem = (params: ScryptParams) => 128 * params.r * 2 ** params.logN * 2 + 1024 * 1024;

/** Hashes a password with scrypt; the stored string carries the algorithm and its parameters. */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await withHashSlot(() =>
    scrypt(password, salt, KEY_LENGTH, { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: maxmem(params) }),
  );
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return undefined;
  return {
    params: { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    salt: Buffer.from(m[4], 'base64'),
    key: Buffer.from(m[5], 'base64'),
  };
}

/** True when the password matches the stored hash (compared in constant time). */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored ? parse(stored) : undefined;
  if (!parsed) return false;
  const key = await withHashSlot(() =>
    scrypt(password, parsed.salt, parsed.key.length, {
      N: 2 ** parsed.params.logN,
      r: parsed.params.r,
      p: parsed.params.p,
      maxmem: maxmem(parsed.params),
    }),
  );
  return crypto.timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with weaker parameters than the current ones. */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  // Less work than the current settings (N·r·p), whichever of OWASP's equivalent forms it has.
  const work = (p: ScryptParams) => 2 ** p.logN * p.r * p.p;
  return !parsed || work(parsed.params) < work(params);
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as checking a real password, so that an unknown e-mail address cannot be
 * told apart from a wrong password by the time the answer takes.
 */
export async function burnPasswordCheck(password: string, params: ScryptParams): Promise<void> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'), params);
  await verifyPassword(password, await dummy);
}

const strength = new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs });

/** The program's own words: the first guesses of anyone who attacks this site. */
const PROGRAM_WORDS = ['leep', 'nasbe', 'equity', 'excellence', 'leading', 'board', 'state'];

/** The words of a name and an e-mail address (its local part's pieces and the domain's labels). */
function personalWords(inputs: string[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    const lower = input.trim().toLowerCase();
    if (!lower) continue;
    words.add(lower);
    const [local, domain] = lower.split('@');
    if (domain !== undefined) words.add(local);
    for (const piece of lower.split(/[^\p{L}\p{N}]+/u)) if (piece.length >= 3) words.add(piece);
  }
  return [...words];
}

/**
 * The password policy (OWASP ASVS 2.1, NIST 800-63B 5.1.1.2): at least 12 characters, up to 256,
 * any characters; not in the list of breached passwords, nor such a password or one of the
 * program's or the user's own words with only digits and signs around it ("Spring2025!!!",
 * "Nasbe2024!!!"); and not easily guessed, counting the program's and the user's words
 * (name, e-mail address and their parts) as known to the attacker. Returns the problem in words.
 */
export function passwordProblem(password: string, userInputs: string[] = []): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  // zxcvbn only scores the e-mail address as one cheap word: "X<e-mail>!" still scored 3, so an
  // address (or its local part) anywhere in the password is refused outright.
  const lower = password.toLowerCase();
  for (const input of userInputs) {
    const at = input.indexOf('@');
    if (at < 0) continue;
    const email = input.trim().toLowerCase();
    const local = email.slice(0, at);
    if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return 'Your password must not contain your e-mail address';
  }
  if (isBreached(lower))
    return 'This password is too common: it has appeared in data breaches, so attackers try it first. Choose another one';
  const known = [...personalWords(userInputs), ...PROGRAM_WORDS];
  // What is left once the digits, signs and spaces at both ends are taken off.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length >= 3 && (isBreached(core) || known.includes(core))) {
    return 'This password is a common word or password with digits or signs added, which attackers try first. Try a longer phrase of unrelated words';
  }
  // Only known words once digits and signs are set aside: "WhitfieldDana12", "OhioLeep2024".
  let rest = lower;
  for (const word of [...known].sort((a, b) => b.length - a.length)) if (word.length >= 3) rest = rest.split(word).join('');
  if (rest !== lower && rest.replace(/[^\p{L}]/gu, '').length < 4) {
    return "This password is made of your name, your e-mail address or the program's name, which attackers try first. Try a longer phrase of unrelated words";
  }
  const result = strength.check(password, known);
  if (result.score < 3) return 'This password is too common or too easy to guess. Try a longer phrase of unrelated words';
  return undefined;
}
