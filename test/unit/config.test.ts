import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config';

const SECRET = 'a-production-secret-of-32-chars!';

describe('loadConfig', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-config-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function assertRefused(env: NodeJS.ProcessEnv, message: RegExp): void {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
    );
  }

  it('loadConfig, with only NODE_ENV=test, gives the documented defaults', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    assert.deepEqual(
      { ...config, secret: undefined },
      {
        env: 'test',
        port: 3000,
        host: '0.0.0.0',
        databaseUrl: path.resolve('data', 'leep.sqlite3'),
        dataDir: path.resolve('data'),
        publicUrl: 'http://localhost:3000',
        secret: undefined,
        trustProxy: false,
        secureCookies: false,
        intakeRateLimit: 10,
        logLevel: 'silent',
        timeZone: 'America/New_York',
        responseTargetBusinessDays: 5,
        scryptLogN: 10,
        smtpUrl: undefined,
        mailFrom: 'LEEP TA Tracker <leep@localhost>',
        mfaRequired: 'off',
        auditRetentionDays: 730,
        receiptsPerAddressPerDay: 3,
        dbStatementTimeoutMs: 3000,
        dbAcquireTimeoutMs: 6000,
        shutdownDrainMs: 3000,
        mailConcurrency: 4,
        mailLeaseMs: 30_000,
        mailPollMs: 5000,
      },
    );
    assert.ok(config.secret.length >= 32);
  });

  it('loadConfig, with SHUTDOWN_DRAIN_MS, MAIL_CONCURRENCY, MAIL_LEASE_MS or MAIL_POLL_MS out of range or not a number, throws a ConfigError naming it', () => {
    for (const [name, value] of [
      ['SHUTDOWN_DRAIN_MS', '-1'],
      ['SHUTDOWN_DRAIN_MS', '120001'],
      ['MAIL_CONCURRENCY', '0'],
      ['MAIL_LEASE_MS', '999'],
      ['MAIL_POLL_MS', 'soon'],
    ]) {
      assertRefused({ NODE_ENV: 'test', [name]: value }, new RegExp(name));
    }
    const set = loadConfig({
      NODE_ENV: 'test',
      SHUTDOWN_DRAIN_MS: '0',
      MAIL_CONCURRENCY: '10',
      MAIL_LEASE_MS: '2000',
      MAIL_POLL_MS: '200',
    });
    assert.deepEqual([set.shutdownDrainMs, set.mailConcurrency, set.mailLeaseMs, set.mailPollMs], [0, 10, 2000, 200]);
  });

  it('loadConfig, outside tests, requires a second factor of directors unless MFA_REQUIRED says otherwise', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', SECRET }).mfaRequired, 'directors');
    assert.equal(loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDir() }).mfaRequired, 'directors');
    for (const value of ['directors', 'all', 'off'] as const)
      assert.equal(loadConfig({ NODE_ENV: 'production', SECRET, MFA_REQUIRED: value }).mfaRequired, value);
  });

  it('loadConfig, with MFA_REQUIRED=everyone, refuses to start naming MFA_REQUIRED and its values', () => {
    assertRefused({ NODE_ENV: 'production', SECRET, MFA_REQUIRED: 'everyone' }, /MFA_REQUIRED must be directors, all or off/);
  });

  it('loadConfig, with AUDIT_RETENTION_DAYS=90 reads it, and with 7 or "two years" refuses to start naming it', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test', AUDIT_RETENTION_DAYS: '90' }).auditRetentionDays, 90);
    assertRefused({ NODE_ENV: 'test', AUDIT_RETENTION_DAYS: '7' }, /AUDIT_RETENTION_DAYS must be between 30/);
    assertRefused({ NODE_ENV: 'test', AUDIT_RETENTION_DAYS: 'two years' }, /AUDIT_RETENTION_DAYS must be a whole number/);
  });

  it('loadConfig, for any environment, returns a frozen object', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    assert.ok(Object.isFrozen(config));
    assert.throws(() => Object.defineProperty(config, 'port', { value: 1 }), TypeError);
    assert.equal(config.port, 3000);
  });

  it('loadConfig, in production with every setting given, reads each one', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://leep@db/leep',
      DATA_DIR: '/var/lib/leep',
      PUBLIC_URL: 'https://ta.leep.example/',
      SECRET,
      TRUST_PROXY: '1',
      INTAKE_RATE_LIMIT: '25',
      LOG_LEVEL: 'warn',
      TIME_ZONE: 'America/Chicago',
      RESPONSE_TARGET_DAYS: '7',
    });
    assert.equal(config.env, 'production');
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, 'postgres://leep@db/leep');
    assert.equal(config.dataDir, '/var/lib/leep');
    assert.equal(config.publicUrl, 'https://ta.leep.example', 'the trailing slash is dropped');
    assert.equal(config.secret, SECRET);
    assert.equal(config.trustProxy, 1);
    assert.equal(config.secureCookies, true, 'an https public URL means secure cookies');
    assert.equal(config.intakeRateLimit, 25);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.timeZone, 'America/Chicago');
    assert.equal(config.responseTargetBusinessDays, 7);
    assert.equal(config.scryptLogN, 15, 'production hashes at an OWASP setting (N=2^15, p=3)');
  });

  it('loadConfig, without DATABASE_URL, puts the SQLite file in DATA_DIR', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/srv/leep-data' });
    assert.equal(config.databaseUrl, path.join('/srv/leep-data', 'leep.sqlite3'));
  });

  it('loadConfig, with TRUST_PROXY as false, a hop count or a list of addresses, keeps what Express takes', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, 'loopback, 10.0.0.0/8');
    assert.equal(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '192.0.2.7,2001:db8::/32' }).trustProxy, '192.0.2.7, 2001:db8::/32');
  });

  it('loadConfig, with TRUST_PROXY=true, refuses to start with a message that names a hop count or addresses', () => {
    assertRefused(
      { NODE_ENV: 'test', TRUST_PROXY: 'true' },
      /^TRUST_PROXY=true would let any client set its own address.*number of proxies.*addresses/,
    );
  });

  for (const bad of ['yes', '10.0.0.0/33', '10.0.0.0/8, everyone', '11', '*']) {
    it(`loadConfig, with TRUST_PROXY "${bad}", throws a ConfigError naming TRUST_PROXY`, () => {
      assertRefused({ NODE_ENV: 'test', TRUST_PROXY: bad }, /^TRUST_PROXY /);
    });
  }

  it('loadConfig, with DB_STATEMENT_TIMEOUT_MS and DB_ACQUIRE_TIMEOUT_MS, reads them, and refuses nonsense', () => {
    const config = loadConfig({ NODE_ENV: 'test', DB_STATEMENT_TIMEOUT_MS: '1500', DB_ACQUIRE_TIMEOUT_MS: '800' });
    assert.equal(config.dbStatementTimeoutMs, 1500);
    assert.equal(config.dbAcquireTimeoutMs, 800);
    assertRefused({ NODE_ENV: 'test', DB_STATEMENT_TIMEOUT_MS: '5s' }, /^DB_STATEMENT_TIMEOUT_MS /);
  });

  for (const port of ['abc', '70000', '-1', '80.5', '3000 ']) {
    it(`loadConfig, with PORT "${port}", throws a ConfigError naming PORT`, () => {
      assertRefused({ NODE_ENV: 'test', PORT: port }, /^PORT /);
    });
  }

  it('loadConfig, with PORT 0 (any free port) or 65535, accepts it', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test', PORT: '0' }).port, 0);
    assert.equal(loadConfig({ NODE_ENV: 'test', PORT: '65535' }).port, 65535);
  });

  for (const limit of ['0', 'ten', '1.5', '1000001']) {
    it(`loadConfig, with INTAKE_RATE_LIMIT "${limit}", throws a ConfigError naming INTAKE_RATE_LIMIT`, () => {
      assertRefused({ NODE_ENV: 'test', INTAKE_RATE_LIMIT: limit }, /^INTAKE_RATE_LIMIT /);
    });
  }

  it('loadConfig, in production without SECRET, throws a ConfigError naming SECRET', () => {
    assertRefused({ NODE_ENV: 'production' }, /SECRET must be set in production/);
    assertRefused({ NODE_ENV: 'production', SECRET: '' }, /SECRET/);
  });

  it('loadConfig, with a SECRET of 31 characters, throws a ConfigError; with 32 it accepts it', () => {
    assertRefused({ NODE_ENV: 'production', SECRET: 'x'.repeat(31) }, /SECRET must be at least 32 characters/);
    assertRefused({ NODE_ENV: 'test', SECRET: 'x'.repeat(31) }, /SECRET/);
    assert.equal(loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(32) }).secret, 'x'.repeat(32));
  });

  it('loadConfig, in development without SECRET, makes one in DATA_DIR and reuses it', () => {
    const dataDir = path.join(tempDir(), 'not-yet-there');
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const file = path.join(dataDir, '.secret');
    assert.ok(fs.existsSync(file));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'only the owner can read it');
    assert.ok(first.secret.length >= 32);
    assert.equal(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }).secret, first.secret);
  });

  it('loadConfig, with an unknown TIME_ZONE, throws a ConfigError naming TIME_ZONE', () => {
    assertRefused({ NODE_ENV: 'test', TIME_ZONE: 'Mars/Olympus_Mons' }, /^TIME_ZONE .*Mars\/Olympus_Mons/);
  });

  for (const url of ['mysql://root@db/leep', 'sqlite://leep.db', 'https://example.org/db']) {
    it(`loadConfig, with DATABASE_URL "${url}", throws a ConfigError naming DATABASE_URL`, () => {
      assertRefused({ NODE_ENV: 'test', DATABASE_URL: url }, /^DATABASE_URL /);
    });
  }

  it('loadConfig, with a postgres://, postgresql:// or file DATABASE_URL, accepts it', () => {
    for (const url of [
      'postgres://u@h/db',
      'postgresql://u@h:5433/db',
      'POSTGRES://u@h/db',
      '/var/lib/leep/leep.sqlite3',
      'relative/leep.sqlite3',
    ]) {
      assert.equal(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }).databaseUrl, url);
    }
  });

  it('loadConfig, with an unknown NODE_ENV, throws a ConfigError naming NODE_ENV', () => {
    assertRefused({ NODE_ENV: 'staging' }, /^NODE_ENV /);
  });

  it('loadConfig, with a PUBLIC_URL that is not http(s), throws a ConfigError naming PUBLIC_URL', () => {
    assertRefused({ NODE_ENV: 'test', PUBLIC_URL: 'ftp://leep.example' }, /^PUBLIC_URL /);
    assertRefused({ NODE_ENV: 'test', PUBLIC_URL: 'leep.example' }, /^PUBLIC_URL /);
  });

  it('loadConfig, in production with SCRYPT_LOG_N below 13, throws a ConfigError', () => {
    assertRefused({ NODE_ENV: 'production', SECRET, SCRYPT_LOG_N: '12' }, /SCRYPT_LOG_N/);
  });
});
