import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { rawRows } from '../../server/db';
import { encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, makeUser, signInAs } from '../helpers/auth';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

// Distinct passwords for each place one is typed, so that a leak says where it came from.
const SECRETS = {
  weakSetup: 'passwordpassword',
  setup: 'Setup-heron-basalt-3141',
  wrong: 'Wrong-puffin-cobalt-2718',
  initial: 'Initial-marten-fjord-1618',
  changed: 'Changed-lynx-tundra-1414',
  failing: 'Failing-egret-mesa-5772',
};

/**
 * The script the child process runs: a fresh database, the app at LOG_LEVEL=debug, and every
 * form that carries a password (setup, sign-in refused and accepted, a new user, a duplicate,
 * a password change, a sign-in that fails with a 500). pino writes to the child's stdout.
 */
function childScript(): string {
  const h = (file: string) => JSON.stringify(path.join(ROOT, 'test', 'helpers', file));
  return `
import request from ${JSON.stringify(require.resolve('supertest'))};
import { freshDatabase } from ${h('db')};
import { csrfTokenOf, encodeForm, testApp } from ${h('app')};
import { attemptSignIn } from ${h('auth')};
const S = ${JSON.stringify(SECRETS)};
async function main() {
  const db = await freshDatabase(process.env.ENGINE === 'postgres' ? 'postgres' : 'sqlite');
  const statuses: number[] = [];
  try {
    const { app } = testApp({ LOG_LEVEL: 'debug' });
    const setup = request.agent(app);
    const token = csrfTokenOf((await setup.get('/setup')).text);
    const base = { _csrf: token, name: 'Log Director', email: 'log.director@leep.test' };
    statuses.push((await setup.post('/setup').type('form').send(encodeForm({ ...base, password: S.weakSetup, password_confirmation: S.weakSetup }))).status);
    statuses.push((await setup.post('/setup').type('form').send(encodeForm({ ...base, password: S.setup, password_confirmation: S.setup }))).status);
    statuses.push((await attemptSignIn(app, 'log.director@leep.test', S.wrong)).res.status);
    const { res, agent } = await attemptSignIn(app, 'log.director@leep.test', S.setup);
    statuses.push(res.status);
    const t = csrfTokenOf((await agent.get('/admin/users/new')).text);
    const user = { _csrf: t, name: 'Logged User', email: 'logged.user@leep.test', role: 'consultant', capacity: '2', password: S.initial, password_confirmation: S.initial };
    statuses.push((await agent.post('/admin/users').type('form').send(encodeForm(user))).status);
    statuses.push((await agent.post('/admin/users').type('form').send(encodeForm(user))).status);
    statuses.push((await agent.post('/account/password').type('form').send(encodeForm({ _csrf: t, current_password: S.setup, password: S.changed, password_confirmation: S.changed }))).status);
    await db.knex.schema.renameTable('sessions', 'sessions_x');
    statuses.push((await attemptSignIn(app, 'log.director@leep.test', S.changed)).res.status);
    await db.knex.schema.renameTable('sessions_x', 'sessions');
    statuses.push((await attemptSignIn(app, 'logged.user@leep.test', S.failing)).res.status);
  } finally {
    await db.destroy();
  }
  process.stderr.write('STATUSES ' + JSON.stringify(statuses) + '\\n');
}
main().catch((err) => { console.error(err); process.exitCode = 1; });
`;
}

function runChild(engine: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-log-'));
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

/** Every "table.column" whose stored text contains `needle`. */
async function columnsContaining(knex: Knex, needle: string): Promise<string[]> {
  const tables =
    knex.client.config.client === 'pg'
      ? rawRows<{ name: string }>(
          await knex.raw(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
          ),
        )
      : rawRows<{ name: string }>(await knex.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
  const hits: string[] = [];
  for (const { name } of tables) {
    for (const row of (await knex(name).select()) as Record<string, unknown>[]) {
      for (const [column, value] of Object.entries(row)) {
        if (value !== null && String(value instanceof Date ? value.toISOString() : value).includes(needle)) hits.push(`${name}.${column}`);
      }
    }
  }
  return [...new Set(hits)];
}

describeEachEngine('Passwords never written down', (ctx) => {
  it('the app at LOG_LEVEL=debug, through setup, sign-ins, user creation, a password change and a 500, logs no password', async function () {
    this.timeout(30_000);
    const run = await runChild(ctx.engine);
    assert.equal(run.code, 0, run.stderr);
    const statuses = JSON.parse(/STATUSES (\[.*\])/.exec(run.stderr)?.[1] ?? 'null');
    assert.deepEqual(statuses, [422, 303, 401, 303, 303, 422, 303, 500, 401], 'every flow ran as expected');

    const lines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length >= 15, `the logger wrote request lines (${lines.length})`);
    assert.ok(
      lines.some((l) => l.includes('"url":"/login"')),
      'sign-ins are logged',
    );
    assert.ok(
      lines.some((l) => l.includes('"level":50') && l.includes('request failed')),
      'the 500 is logged in full',
    );
    for (const [where, secret] of Object.entries(SECRETS)) {
      assert.ok(!run.stdout.includes(secret), `the ${where} password is in the log`);
      assert.ok(!run.stderr.includes(secret), `the ${where} password is on stderr`);
    }
  });

  it('the database, after sign-ins, user creation and a password change, holds no password anywhere (not even in audit details)', async () => {
    const { app } = testApp();
    const director = await makeUser({ role: 'director' });
    await attemptSignIn(app, director.email, SECRETS.wrong);
    await attemptSignIn(app, `nobody.${Date.now()}@leep.test`, SECRETS.wrong);
    const agent = await signInAs(app, director);
    const token = await agent.csrf('/admin/users/new');
    const email = `stored.${Date.now()}@leep.test`;
    const user = {
      _csrf: token,
      name: 'Stored User',
      email,
      role: 'consultant',
      capacity: '2',
      password: SECRETS.initial,
      password_confirmation: SECRETS.initial,
    };
    assert.equal((await agent.post('/admin/users').type('form').send(encodeForm(user))).status, 303);
    assert.equal((await agent.post('/admin/users').type('form').send(encodeForm(user))).status, 422);
    const consultant = await signInAs(app, { email, password: SECRETS.initial });
    const t = await consultant.csrf();
    const change = await consultant
      .post('/account/password')
      .type('form')
      .send(encodeForm({ _csrf: t, current_password: SECRETS.initial, password: SECRETS.changed, password_confirmation: SECRETS.changed }));
    assert.equal(change.status, 303);
    assert.ok((await ctx.db.knex('audit_events').count({ n: '*' }))[0].n, 'events were recorded');

    for (const [where, secret] of Object.entries({ ...SECRETS, test: director.password })) {
      assert.deepEqual(await columnsContaining(ctx.db.knex, secret), [], `the ${where} password is stored somewhere`);
    }
  });
});
