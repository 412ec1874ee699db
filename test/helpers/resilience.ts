import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnBuilt, Spawned, waitHealthy } from './built-server';
import knexFactory, { Knex } from 'knex';
import { knexConfig } from '../../server/db';
import { hashPassword } from '../../server/services/password.service';

const SECRET = 'resilience-secret-0123456789-abcdefghij';

/** The environment of a production server on 127.0.0.1, with a high intake limit; `env` overrides. */
function serverEnv(port: number, env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    SECRET,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    INTAKE_RATE_LIMIT: '1000000',
    // These tests sign in with the password alone; second factors have tests of their own.
    MFA_REQUIRED: 'off',
    ...env,
  };
}

/** Starts the built server with serverEnv's defaults, `env` over them. */
export function spawnServer(env: Record<string, string>, port: number): Spawned {
  return spawnBuilt(serverEnv(port, env), port);
}

export async function startServer(env: Record<string, string>): Promise<Spawned> {
  const server = spawnServer(env, await freePort());
  await waitHealthy(server);
  return server;
}

/** A scratch directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A submission in the API's shape, small and valid. */
export function apiRequest(title: string): Record<string, unknown> {
  return {
    jurisdiction: 'VT',
    name: 'Sam Okafor',
    email: 'sam@example.org',
    role: 'Board member',
    organization_type: 'state_board',
    organization_name: 'Vermont State Board of Education',
    topics: ['equity-lens'],
    preferred_format: 'one_on_one',
    title,
    needs: 'Check that what the server acknowledged is kept.',
  };
}

/** POSTs a submission to a running server; a network failure comes back as `{ status: 0 }`. */
export async function submit(
  baseUrl: string,
  body: unknown,
  options: { key?: string; timeoutMs?: number } = {},
): Promise<{ status: number; json?: { reference?: string; status_url?: string } }> {
  try {
    const res = await fetch(`${baseUrl}/api/v1/requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(options.key ? { 'Idempotency-Key': options.key } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let json: { reference?: string; status_url?: string } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  } catch {
    return { status: 0 };
  }
}

/** A director stored straight into a database (password hashed at OWASP's cost, as production expects). */
export async function insertDirector(knex: Knex, email: string, password: string): Promise<void> {
  const at = new Date().toISOString();
  await knex('users').insert({
    email,
    name: 'Resilience Director',
    role: 'director',
    password_hash: await hashPassword(password, { logN: 17, r: 8, p: 1 }),
    active: true,
    capacity: 5,
    created_at: at,
    updated_at: at,
  });
}

/** Signs in to a running server as a browser does; returns the Cookie header to send. */
export async function signInTo(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/login`);
  keep(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  keep(res);
  return cookie();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a schema of its own per test file, reached by the server through DATABASE_URL.

/** DATABASE_URL for a child process: the test database, with this search path and application name. */
export function postgresUrl(base: string, schema: string, applicationName?: string, host?: { port: number }): string {
  const u = new URL(base);
  u.searchParams.set('options', `-csearch_path=${schema}`);
  if (applicationName) u.searchParams.set('application_name', applicationName);
  if (host) {
    u.hostname = '127.0.0.1';
    u.port = String(host.port);
  }
  return u.toString();
}

export async function createSchema(base: string, prefix: string): Promise<{ schema: string; knex: Knex; drop: () => Promise<void> }> {
  const schema = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  await admin.destroy();
  const knex = knexFactory(knexConfig(base, { searchPath: schema }));
  return {
    schema,
    knex,
    async drop() {
      await knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await knex.destroy();
    },
  };
}

/**
 * A TCP relay between the app and PostgreSQL that a test can cut (every connection dropped, new
 * ones refused) and restore on the same port: the database "goes away" as in a network outage.
 */
export class TcpRelay {
  private server?: net.Server;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every relayed connection and stops listening. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    await this.start(this.port);
  }
}
