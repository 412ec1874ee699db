// The built server, as `npm start` runs it: the one build of a test run, free ports, and the one
// way tests start `dist/server/index.js`, wait for it to be healthy and stop it. Every harness that
// starts it (browser, resilience, cluster, startup, backup) does so through spawnBuilt; they differ
// only in the environment they give it.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ENTRY = path.join(ROOT, 'dist', 'server', 'index.js');

// The check `npm run cli` makes: dist/ is missing or older than a source file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isStale } = require('../../server/build-if-stale.js') as { isStale: (root: string) => boolean };

let built: Promise<void> | undefined;

/**
 * Compiles what `npm start` runs, once per test process and only when dist/ is behind the sources.
 * Type errors are `npm test`'s first step (tsc --noEmit), so this build only emits (--noCheck),
 * which keeps it quick. A whole run builds in its global setup (test/helpers/setup.ts), before
 * any worker starts, so that workers find dist/ current and never build at the same time; its
 * second phase then finds nothing to build.
 */
export function buildOnce(): Promise<void> {
  built ??= isStale(ROOT)
    ? promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noCheck'], {
        cwd: ROOT,
      }).then(() => {
        if (!fs.existsSync(ENTRY)) throw new Error(`${ENTRY} was not built`);
      })
    : Promise.resolve();
  return built;
}

/** A TCP port on 127.0.0.1 nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  port: number;
  url: string;
  /** The last 20,000 characters the process wrote, stdout and stderr interleaved. */
  output(): string;
  /** What it wrote to each stream (the first megabyte). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

const spawned = new Set<Spawned>();
const KEEP = 1_000_000;

/**
 * Starts `node dist/server/index.js` (built by buildOnce) listening on `port`, with exactly `env`
 * plus PATH: nothing else is inherited from the test process, so that what the test sets is what
 * the server sees.
 */
export function spawnBuilt(env: Record<string, string>, port: number): Spawned {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (stdout.length < KEEP) stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (stderr.length < KEEP) stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const server: Spawned = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
  };
  spawned.add(server);
  void exited.then(() => spawned.delete(server));
  return server;
}

/** Waits until GET /healthz answers 200, failing at once if the process exits. */
export async function waitHealthy(server: Spawned, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.running()) throw new Error(`the server exited with ${server.child.exitCode} before it was healthy:\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server was not healthy within ${timeoutMs} ms:\n${server.output()}`);
}

/** The exit code once the process ends, or 'killed' if it had not ended within `ms` (then SIGKILLed). */
export async function exitWithin(server: Spawned, ms: number): Promise<number | null | 'killed'> {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    server.child.kill('SIGKILL');
  }, ms);
  const { code } = await server.exited;
  clearTimeout(timer);
  return late ? 'killed' : code;
}

/** Stops a server as an operator does (SIGTERM), SIGKILLing it if it has not ended within 10 s. */
export async function stopServer(server: Spawned): Promise<void> {
  if (!server.running()) return;
  server.child.kill('SIGTERM');
  await exitWithin(server, 10_000);
}

/** SIGKILLs every server this process started that still runs (for `after` hooks). */
export async function killAllServers(): Promise<void> {
  const waits = [...spawned].map((s) => {
    s.child.kill('SIGKILL');
    return s.exited;
  });
  await Promise.all(waits);
}
