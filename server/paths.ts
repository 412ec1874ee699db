import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one with package.json), whether the code runs from the
 * TypeScript sources (server/) or compiled (dist/server/): views and public files live there.
 */
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);
export const VIEWS_DIR = path.join(ROOT, 'views');
export const PUBLIC_DIR = path.join(ROOT, 'public');
export const SEEDS_DIR = path.join(ROOT, 'seeds');
