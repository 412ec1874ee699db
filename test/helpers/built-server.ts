// The built server, as `npm start` runs it: the one build of a test run, and free ports to start
// it on. Every harness that starts `dist/server/index.js` (browser, resilience, cluster, startup,
// backup, bench) takes these from here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ENTRY = path.join(ROOT, 'dist', 'server', 'index.js');

let built: Promise<void> | undefined;

/**
 * Compiles what `npm start` runs, once per test process. Type errors are `npm test`'s first step
 * (tsc --noEmit), so this build only emits (--noCheck), which keeps it quick.
 */
export function buildOnce(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noCheck'], {
    cwd: ROOT,
  }).then(() => {
    if (!fs.existsSync(ENTRY)) throw new Error(`${ENTRY} was not built`);
  });
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
