// The harness of test/cluster: app instances (the built server, as `npm start` runs it) sharing
// one PostgreSQL schema, behind nginx configured from deploy/nginx.conf, as in production.
import { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { nginxBinary, startNginx, writeNginxConfig } from '../../deploy/cluster';
import { useDatabase } from '../../server/db';
import { buildOnce, freePort, Spawned, waitHealthy } from './built-server';
import { describeIfAvailable } from './needs';
import { createSchema, postgresUrl, spawnServer, tempDir } from './resilience';

/** Why the cluster suites cannot run here, or undefined when they can (PostgreSQL and nginx). */
function clusterUnavailable(): string | undefined {
  if (!process.env.TEST_DATABASE_URL) return 'the cluster suites need TEST_DATABASE_URL (PostgreSQL)';
  if (!nginxBinary()) return 'the cluster suites need nginx (Debian: apt-get install nginx-light)';
  return undefined;
}

/** Declares a cluster suite, which needs PostgreSQL and nginx (see describeIfAvailable). */
export function describeCluster(title: string, body: () => void): void {
  describeIfAvailable(title, clusterUnavailable(), body);
}

export interface Cluster {
  /** nginx, in front of both instances. */
  url: string;
  instances: Spawned[];
  knex: Knex;
  schema: string;
  /** The end of nginx's error log (for a failure message). */
  nginxLog(): string;
  /** Starts instance i again (after it stopped), on its port, and waits until it is healthy. */
  restart(i: number, env?: Record<string, string>): Promise<Spawned>;
  stop(): Promise<void>;
}

/** The environment every instance gets: the shared schema, behind the proxy, production settings. */
function instanceEnv(schemaUrl: string, publicUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: schemaUrl, PUBLIC_URL: publicUrl, TRUST_PROXY: '1', SHUTDOWN_DRAIN_MS: '1000', ...env };
}

/**
 * A fresh schema, two instances on it (started together: they migrate and seed in turn) and nginx
 * in front of them. `env` is added to both instances' environment, `perInstance[i]` to one's.
 * The test process's `db` is the same schema, for setting up data and reading what was stored.
 */
export async function startCluster(
  options: { env?: Record<string, string>; perInstance?: Record<string, string>[] } = {},
): Promise<Cluster> {
  await buildOnce();
  const base = process.env.TEST_DATABASE_URL as string;
  const created = await createSchema(base, 'cluster');
  const scratch = tempDir('leep-cluster-');
  const listen = await freePort();
  const url = `http://127.0.0.1:${listen}`;
  const ports = [await freePort(), await freePort()] as [number, number];
  const schemaUrl = postgresUrl(base, created.schema);
  const envOf = (i: number, extra: Record<string, string> = {}) =>
    instanceEnv(schemaUrl, url, { ...options.env, ...options.perInstance?.[i], ...extra });
  const instances = ports.map((port, i) => spawnServer(envOf(i), port));
  await Promise.all(instances.map((s) => waitHealthy(s, 60_000)));
  useDatabase(created.knex);
  const nginx: ChildProcess = startNginx(scratch.dir, writeNginxConfig(scratch.dir, listen, ports));
  await waitHealthy(
    { url, running: () => nginx.exitCode === null, output: () => `nginx logs in ${path.join(scratch.dir, 'error.log')}` } as Spawned,
    10_000,
  );
  return {
    url,
    instances,
    knex: created.knex,
    schema: created.schema,
    nginxLog: () => {
      try {
        return fs.readFileSync(path.join(scratch.dir, 'error.log'), 'utf8').slice(-3000);
      } catch {
        return '';
      }
    },
    async restart(i, env = {}) {
      const server = spawnServer(envOf(i, env), ports[i]);
      instances[i] = server;
      await waitHealthy(server, 60_000);
      return server;
    },
    async stop() {
      const exits = instances
        .filter((s) => s.running())
        .map((s) => {
          s.child.kill('SIGKILL');
          return s.exited;
        });
      await Promise.all(exits);
      if (nginx.exitCode === null) {
        const gone = new Promise((resolve) => nginx.once('exit', resolve));
        nginx.kill('SIGTERM');
        await gone;
      }
      await created.drop();
      scratch.remove();
    },
  };
}

/** A short random text, for titles and summaries that must be told apart. */
export const tag = (): string => crypto.randomBytes(4).toString('hex');

/** Reads the CSRF token from a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token on the page: ${html.slice(0, 300)}`);
  return m[1];
}

/** A browser's cookie jar, shared by every origin of the cluster (they are all 127.0.0.1). */
export class Browser {
  private readonly jar = new Map<string, string>();

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** GETs a page; redirects are not followed. */
  async get(url: string): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(url, { redirect: 'manual', headers: { Cookie: this.cookie, Accept: 'text/html' } });
    this.keep(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  /** Posts a form as a browser does (repeated names for lists); redirects are not followed. */
  async post(url: string, fields: Record<string, string | string[]>): Promise<{ status: number; text: string; location: string | null }> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'text/html',
        Cookie: this.cookie,
        Origin: new URL(url).origin,
      },
      body: params.toString(),
    });
    this.keep(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  /** Signs in through `base` with the sign-in form. */
  async signIn(base: string, email: string, password: string): Promise<void> {
    const form = await this.get(`${base}/login`);
    const res = await this.post(`${base}/login`, { _csrf: csrfOf(form.text), email, password });
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${res.text.slice(0, 300)}`);
  }
}
