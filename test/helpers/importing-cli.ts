// The import's command line, run as a child process from the sources.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDatabase } from './db';
import { type Run, runTsx } from './child';

/** The DATABASE_URL a child process needs to open this test's database (its own schema on PostgreSQL). */
export function databaseUrlOf(db: TestDatabase): string {
  if (db.engine === 'sqlite') return db.url;
  const url = new URL(db.url);
  url.searchParams.set('options', `-csearch_path=${db.searchPath}`);
  return url.toString();
}

/** Runs `server/cli.ts` from the sources, as `npm run cli` runs the built one, with these environment variables. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return runTsx('server/cli.ts', args, { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }, input);
}

/** runCli on this test's database, with a data directory of its own (removed afterwards). */
export async function runCliOn(db: TestDatabase, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  const dataDir = tempDir('leep-cli-');
  try {
    return await runCli(args, { DATA_DIR: dataDir, DATABASE_URL: databaseUrlOf(db), ...env }, input);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
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
