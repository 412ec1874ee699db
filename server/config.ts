import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** scrypt's cost (log2 of N) when SCRYPT_LOG_N is not set: N=2^15 with p=3, one of OWASP's settings. */
export const DEFAULT_SCRYPT_LOG_N = 15;

/** Where the program's days are counted unless TIME_ZONE says otherwise. */
export const DEFAULT_TIME_ZONE = 'America/New_York';

/** Settings read once from the environment; see the configuration table in README.md. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** `postgres://…` for PostgreSQL; otherwise the SQLite file path. */
  databaseUrl: string;
  dataDir: string;
  /** Absolute origin used in links sent to requesters (status links in API answers and mail). */
  publicUrl: string;
  secret: string;
  /** false, a hop count, or a list of proxy addresses/subnets (never `true`: anyone could then set X-Forwarded-For). */
  trustProxy: false | number | string;
  secureCookies: boolean;
  intakeRateLimit: number;
  logLevel: string;
  timeZone: string;
  responseTargetBusinessDays: number;
  /** log2 of scrypt's N (15, with p=3: one of OWASP's settings). Only tests go below 13. */
  scryptLogN: number;
  /** smtp(s)://user:pass@host:port; without it, messages wait in the outbox for a director to read. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Who must use a second factor at sign-in: directors (default), all staff, or off (development). */
  mfaRequired: 'directors' | 'all' | 'off';
  /** How long audit events are kept (AUDIT_RETENTION_DAYS, default two years); `audit:prune` removes older ones. */
  auditRetentionDays: number;
  /** PostgreSQL: longest a statement (or its wait for a lock) may run before it is cancelled. */
  dbStatementTimeoutMs: number;
  /** Longest a request waits for a database connection (or for PostgreSQL to accept one). */
  dbAcquireTimeoutMs: number;
  /** The most request receipts one e-mail address gets in 24 hours (the public form cannot be used to mail strangers). */
  receiptsPerAddressPerDay: number;
  /** After SIGTERM: how long `/healthz` fails while requests are still served, before the port closes. */
  shutdownDrainMs: number;
  /** Messages one instance sends at once (each claimed on its own). */
  mailConcurrency: number;
  /** How long a claimed message is reserved for the instance sending it; renewed while it sends. */
  mailLeaseMs: number;
  /** How often each instance looks for messages due. */
  mailPollMs: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * A hop count or a list of the proxies' addresses (with Express's presets). `true` would trust
 * every X-Forwarded-For hop, so a client could claim any address and walk past the rate limits.
 */
function parseTrustProxy(raw: string | undefined): false | number | string {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') {
    throw new ConfigError(
      'TRUST_PROXY=true would let any client set its own address through X-Forwarded-For: give the number of proxies in front of the app (e.g. 1) or their addresses (e.g. "10.0.0.0/8, loopback")',
    );
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY must be a number of proxies from 1 to 10 or a list of their addresses, got "${raw}"`);
    return hops;
  }
  const items = raw.split(',').map((s) => s.trim());
  for (const item of items) {
    const [address, bits, extra] = item.split('/');
    const okAddress =
      PROXY_PRESETS.includes(item) ||
      (net.isIP(address) !== 0 &&
        extra === undefined &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv4(address) ? 32 : 128))));
    if (!okAddress)
      throw new ConfigError(
        `TRUST_PROXY must be a number of proxies or a comma-separated list of addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal; "${item}" is none of these`,
      );
  }
  return items.join(', ');
}

/**
 * In development the secret is kept in the data directory so that sign-ins and status links
 * survive a restart; production must set SECRET so that every instance shares it.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, '.secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

/** Builds and freezes the configuration; throws ConfigError with a readable message on bad input. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = env.DATABASE_URL || path.join(dataDir, 'leep.sqlite3');
  if (/^[a-z]+:\/\//i.test(databaseUrl) && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL or a SQLite file path');
  }
  let secret = env.SECRET ?? '';
  if (!secret) {
    if (nodeEnv === 'production') throw new ConfigError('SECRET must be set in production (32 or more random characters)');
    secret = nodeEnv === 'test' ? 'test-secret-not-for-production-use-0000' : developmentSecret(dataDir);
  } else if (secret.length < 32) {
    throw new ConfigError('SECRET must be at least 32 characters long');
  }
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  const timeZone = env.TIME_ZONE || DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`TIME_ZONE is not a known time zone: "${timeZone}"`);
  }
  const mfaRequired = env.MFA_REQUIRED || (nodeEnv === 'test' ? 'off' : 'directors');
  if (!['directors', 'all', 'off'].includes(mfaRequired))
    throw new ConfigError(`MFA_REQUIRED must be directors, all or off, got "${mfaRequired}"`);
  const config: Config = {
    env: nodeEnv as Config['env'],
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    publicUrl,
    secret,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secureCookies: publicUrl.startsWith('https://'),
    intakeRateLimit: int(env, 'INTAKE_RATE_LIMIT', 10, 1, 1_000_000),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    timeZone,
    responseTargetBusinessDays: int(env, 'RESPONSE_TARGET_DAYS', 5, 1, 60),
    scryptLogN: int(env, 'SCRYPT_LOG_N', nodeEnv === 'test' ? 10 : DEFAULT_SCRYPT_LOG_N, 10, 17),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || `LEEP TA Tracker <leep@${new URL(publicUrl).hostname}>`,
    mfaRequired: mfaRequired as Config['mfaRequired'],
    auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 730, 30, 36_500),
    receiptsPerAddressPerDay: int(env, 'RECEIPTS_PER_DAY', 3, 0, 1000),
    // Together under 10 s, so that a frozen database gets a 503 with Retry-After, not a hung page;
    // the wait for a connection is the longer, since a burst of submissions queues for the pool.
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 3000, 100, 600_000),
    dbAcquireTimeoutMs: int(env, 'DB_ACQUIRE_TIMEOUT_MS', 6000, 100, 600_000),
    // Long enough for a load balancer checking /healthz every second to see two failures.
    shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', 3000, 0, 120_000),
    mailConcurrency: int(env, 'MAIL_CONCURRENCY', 4, 1, 50),
    mailLeaseMs: int(env, 'MAIL_LEASE_MS', 30_000, 1000, 600_000),
    mailPollMs: int(env, 'MAIL_POLL_MS', 5000, 100, 600_000),
  };
  if (config.smtpUrl && !/^smtps?:\/\/[^/]+/.test(config.smtpUrl))
    throw new ConfigError('SMTP_URL must look like smtp://user:password@host:587 or smtps://…');
  if (config.scryptLogN < 13 && nodeEnv === 'production') {
    throw new ConfigError('SCRYPT_LOG_N below 13 is for tests only (OWASP lists 13 to 17)');
  }
  return Object.freeze(config);
}
