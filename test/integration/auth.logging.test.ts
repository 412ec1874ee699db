import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { rawRows } from '../../server/db';
import { encodeForm, testApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/db';
import { attemptSignIn, makeUser, signInAs } from '../helpers/auth';
import { runChild } from '../helpers/child';
import { SECRETS } from '../children/auth-logging';

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
    const run = await runChild('auth-logging', ctx.engine);
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
