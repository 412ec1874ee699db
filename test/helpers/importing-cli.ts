// The import's command line, run as a child process from the sources.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDatabase } from './db';
import { ROOT } from './built-server';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The DATABASE_URL a child process needs to open this test's database (its own schema on PostgreSQL). */
export function databaseUrlOf(db: TestDatabase): string {
  if (db.engine === 'sqlite') return db.url;
  const url = new URL(db.url);
  url.searchParams.set('options', `-csearch_path=${db.searchPath}`);
  return url.toString();
}

/** Runs `server/cli.ts` from the sources, as `npm run cli` runs the built one, with these environment variables. */
export function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['server/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A directory of its own under the system's temporary directory. */
export function tempDir(prefix = 'leep-import-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The problems the command line printed (`  row 4, duration_minutes: …`). */
export function problemsPrinted(stderr: string): { row: number; column: string; message: string }[] {
  return [...stderr.matchAll(/^ {2}row (\d+)(?:, ([^:]+))?: (.*)$/gm)].map((m) => ({
    row: Number(m[1]),
    column: m[2] ?? '',
    message: m[3],
  }));
}
