import crypto from 'node:crypto';

/** A fresh bearer token: 256 random bits, URL-safe. */
export function randomToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Tokens are stored only as their SHA-256, so a leaked database gives no working link. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token derived from a secret and a value (an idempotency key): the same input gives the same token. */
export function derivedToken(secret: string, purpose: string, value: string): string {
  return crypto.createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url');
}

/** A stable fingerprint of a JSON payload, independent of key order. */
export function fingerprint(payload: Record<string, unknown>): string {
  const canonical = JSON.stringify(payload, Object.keys(payload).sort());
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Compares two strings in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// Derived once per secret: HKDF on every submission and every e-mail would be wasted work.
const tokenKeys = new Map<string, Buffer>();
function tokenKey(secret: string): Buffer {
  let key = tokenKeys.get(secret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', secret, 'leep-status-token', 'aes-256-gcm', 32));
    tokenKeys.set(secret, key);
  }
  return key;
}

/** Encrypts a status token (AES-256-GCM) so that later messages can carry the link. */
export function sealToken(secret: string, token: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', tokenKey(secret), iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** The token back, or undefined when it cannot be opened (another SECRET, or tampered). */
export function openToken(secret: string, sealed: string | null | undefined): string | undefined {
  if (!sealed) return undefined;
  try {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = crypto.createDecipheriv('aes-256-gcm', tokenKey(secret), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
