// `npm run cluster`: two app instances on PostgreSQL behind nginx, on this machine, to try the
// deployment of deploy/nginx.conf out (and the harness of test/cluster). Needs a built app
// (`npm run build`), nginx (Debian: `apt-get install nginx-light`) and PostgreSQL.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const SITE_CONFIG = path.join(ROOT, 'deploy', 'nginx.conf');

/** Where nginx is: on PATH, or where Debian puts it (outside a normal user's PATH). */
export function nginxBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    const file = path.join(dir, 'nginx');
    if (dir && fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A complete nginx configuration in `dir`: deploy/nginx.conf as shipped, with its listen port and
 * its two instances' ports replaced, inside a main context that keeps every file in `dir` (so
 * that nginx runs without root and beside a system nginx).
 */
export function writeNginxConfig(dir: string, listenPort: number, instancePorts: [number, number]): string {
  const site = fs
    .readFileSync(SITE_CONFIG, 'utf8')
    .replace(/listen 80;/, `listen 127.0.0.1:${listenPort};`)
    .replace('server 127.0.0.1:3001 ', `server 127.0.0.1:${instancePorts[0]} `)
    .replace('server 127.0.0.1:3002 ', `server 127.0.0.1:${instancePorts[1]} `);
  if (site.includes(':3001 ') || site.includes(':3002 ')) throw new Error('deploy/nginx.conf no longer has the ports this script replaces');
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  const temp = (name: string) => path.join(dir, name);
  const main = [
    // Workers run as the user that starts nginx; as root they would switch to nobody, who cannot write here.
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${temp('nginx.pid')};`,
    `error_log ${temp('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${temp('access.log')};`,
    `  client_body_temp_path ${temp('body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    `  include ${path.join(dir, 'site.conf')};`,
    '}',
  ].join('\n');
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, main);
  return file;
}

/** Starts nginx in the foreground with a configuration from writeNginxConfig; throws if the configuration is refused. */
export function startNginx(dir: string, configFile: string): ChildProcess {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed (Debian: apt-get install nginx-light)');
  const test = spawnSync(bin, ['-t', '-q', '-p', dir, '-e', path.join(dir, 'error.log'), '-c', configFile], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx refused its configuration:\n${test.stderr}`);
  return spawn(bin, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Starts one instance of the built app (dist/server/index.js) with this environment added to ours. */
export function startInstance(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ['--max-old-space-size=160', path.join(ROOT, 'dist', 'server', 'index.js')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), TRUST_PROXY: '1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves once GET url answers 200 (or rejects after `ms`). */
export async function waitFor(url: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${ms} ms`);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/leep_cluster';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('DATABASE_URL must be a PostgreSQL URL: the cluster shares one PostgreSQL database');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) throw new Error('build the app first: npm run build');
  const listen = Number(process.env.CLUSTER_PORT ?? 8080);
  const ports: [number, number] = [
    Number(process.env.CLUSTER_INSTANCE_PORTS?.split(',')[0] ?? 3001),
    Number(process.env.CLUSTER_INSTANCE_PORTS?.split(',')[1] ?? 3002),
  ];
  // The database is made if it does not exist yet (createdb from PostgreSQL's client tools).
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  spawnSync('createdb', ['--maintenance-db', admin.toString(), name], { stdio: 'ignore' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-cluster-'));
  const env = {
    DATABASE_URL: databaseUrl,
    SECRET: process.env.SECRET ?? 'cluster-secret-change-me-0123456789abcdef',
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://127.0.0.1:${listen}`,
    MFA_REQUIRED: process.env.MFA_REQUIRED ?? 'off',
    ...(process.env.SMTP_URL ? { SMTP_URL: process.env.SMTP_URL } : {}),
  };
  // Both at once: the advisory lock makes them migrate and seed one after the other.
  const instances = ports.map((port) => startInstance(env, port));
  await Promise.all(ports.map((port) => waitFor(`http://127.0.0.1:${port}/healthz`)));
  const nginx = startNginx(dir, writeNginxConfig(dir, listen, ports));
  await waitFor(`http://127.0.0.1:${listen}/healthz`);
  console.log(`\nLEEP TA Tracker: http://127.0.0.1:${listen} (nginx) → instances on ports ${ports.join(' and ')}, database ${name}.`);
  console.log(`nginx files and logs: ${dir}. Ctrl-C stops everything.\n`);
  const stop = () => {
    nginx.kill('SIGQUIT');
    for (const child of instances) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
