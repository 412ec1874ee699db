// `npm run cli` and `npm run demo` build the TypeScript first, but only when dist/ is behind the
// sources: a build takes seconds on a small machine, and most calls change no source at all.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SOURCES = ['server', 'seeds', 'db', 'tsconfig.json', 'package.json'];

/** The newest modification time (ms) of the files under `p`, or 0. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), 0);
}

/** True when dist/ is missing or older than any source file. */
function isStale(root) {
  const built = newest(path.join(root, 'dist'));
  return built === 0 || SOURCES.some((s) => newest(path.join(root, s)) > built);
}

module.exports = { isStale };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  if (isStale(root))
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
      cwd: root,
      stdio: 'inherit',
    });
}
