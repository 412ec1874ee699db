import { ChildProcess, spawn } from 'node:child_process';
import { ROOT } from '../helpers/built-server';
import { pinnedCommand } from './machine';

export interface Running {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node <args>` (on `core` when given) with exactly `env` plus PATH. */
export function startNode(name: string, args: string[], env: Record<string, string>, port: number, core: number | undefined): Running {
  const [command, argv] = pinnedCommand(core, process.execPath, args);
  // taskset execs node in place, so the child's pid is the server's own (for /proc/<pid>/status).
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Waits until `url` answers 200, failing early if the process exits. */
export async function waitUntilUp(server: Running, probePath: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: number | null | undefined;
  void server.exited.then((code) => (exit = code));
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${server.name} exited with ${exit} before it answered:\n${server.output()}`);
    try {
      const res = await fetch(server.url + probePath);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.name} did not answer within ${timeoutMs} ms:\n${server.output()}`);
}

/** SIGTERM, then SIGKILL if it has not exited within 10 s. */
export async function stop(server: Running): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await server.exited;
  clearTimeout(timer);
}
