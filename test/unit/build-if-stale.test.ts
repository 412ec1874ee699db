import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isStale } = require('../../server/build-if-stale.js') as { isStale: (root: string) => boolean };

describe('server/build-if-stale.js (npm run cli builds only when dist/ is behind)', () => {
  let root: string;
  const touch = (file: string, secondsAgo: number) => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (!fs.existsSync(full)) fs.writeFileSync(full, '');
    const t = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(full, t, t);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-build-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('isStale, without dist/, says a build is needed', () => {
    touch('server/cli.ts', 100);
    assert.equal(isStale(root), true);
  });

  it('isStale, with dist/ newer than every source, says no build is needed', () => {
    touch('server/cli.ts', 100);
    touch('seeds/demo.ts', 90);
    touch('dist/server/cli.js', 10);
    assert.equal(isStale(root), false);
  });

  it('isStale, with one source (deep in a folder) edited after the build, says a build is needed', () => {
    touch('server/cli.ts', 100);
    touch('dist/server/cli.js', 50);
    touch('server/services/deep/x.ts', 5);
    assert.equal(isStale(root), true);
  });
});
