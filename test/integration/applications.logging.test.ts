import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEachEngine } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The script the child process runs: a fresh database, the app at LOG_LEVEL=debug, a cohort, an
 * application through the form and three visits to its status page. pino writes to stdout; the
 * token is written to stderr so that the test knows what to look for.
 */
function childScript(): string {
  const h = (file: string) => JSON.stringify(path.join(ROOT, 'test', 'helpers', file));
  return `
import request from ${JSON.stringify(require.resolve('supertest'))};
import { freshDatabase } from ${h('db')};
import { csrfTokenOf, encodeForm, testApp } from ${h('app')};
import { applicationForm, makeCohort } from ${h('programs')};
async function main() {
  const db = await freshDatabase(process.env.ENGINE === 'postgres' ? 'postgres' : 'sqlite');
  try {
    const { app } = testApp({ LOG_LEVEL: 'debug' });
    const cohort = await makeCohort(db.knex);
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get('/cohorts/' + cohort.id + '/apply')).text);
    const res = await agent.post('/cohorts/' + cohort.id + '/apply').type('form').send(encodeForm({ ...applicationForm(), _csrf: token }));
    const link = res.headers.location;
    for (const path of [link, link.split('?')[0], link.split('?')[0] + '/']) await request(app).get(path);
    process.stderr.write('STATUS ' + res.status + ' LINK ' + link + '\\n');
  } finally {
    await db.destroy();
  }
}
main().catch((err) => { console.error(err); process.exitCode = 1; });
`;
}

function runChild(engine: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-app-log-'));
  const file = path.join(dir, 'child.ts');
  fs.writeFileSync(file, childScript());
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [file], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', ENGINE: engine },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describeEachEngine('Application status links never written down', (ctx) => {
  it("the app at LOG_LEVEL=debug, through an application and visits to its status page, logs the route but never the link's token", async function () {
    this.timeout(30_000);
    const run = await runChild(ctx.engine);
    assert.equal(run.code, 0, run.stderr);
    const m = /STATUS (\d+) LINK \/applications\/([A-Za-z0-9_-]{43})/.exec(run.stderr);
    assert.ok(m, run.stderr);
    assert.equal(m[1], '303');
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.filter((l) => l.includes('"url":"/applications/:token')).length >= 3, 'the status page visits are logged by route');
    assert.deepEqual(
      lines.filter((l) => l.includes(m[2])),
      [],
      'the token is in no log line, not even in the redirect that hands it out',
    );
    assert.ok(
      lines.some((l) => l.includes('"location":"/applications/:token?received=1"')),
      'the redirect is logged by route',
    );
    const cookies = lines.filter((l) => l.includes('"set-cookie"'));
    assert.ok(
      cookies.length > 0 && cookies.every((l) => /"set-cookie":"\[redacted\]"/.test(l)),
      'cookies set by the answers stay redacted',
    );
  });
});
