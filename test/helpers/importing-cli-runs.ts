// What the command-line import tests share: a data directory of their own, files written into it,
// and the CLI run against the test's database.
import fs from 'node:fs';
import path from 'node:path';
import type { TestDatabase } from './db';
import { ROOT } from './built-server';
import { databaseUrlOf, runCli, tempDir } from './importing-cli';
import { uniqueTag } from './importing-csv';

/** The sample file the documentation points to. */
export const SAMPLE = path.join(ROOT, 'seeds', 'import', 'sample.csv');

/** Inside a describeEachEngine: a directory removed after the suite, `fileOf` to write into it, and `cli` to run the import. */
export function cliRuns(ctx: { db: TestDatabase }) {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes the text to a file of its own and returns its path. */
  const fileOf = (text: string, name = `${uniqueTag('f')}.csv`) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const cli = (...args: string[]) => runCli(args, { DATABASE_URL: databaseUrlOf(ctx.db), DATA_DIR: dir });

  return { dir, fileOf, cli };
}
