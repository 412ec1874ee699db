import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { runCliOn } from '../helpers/importing-cli';
import { attemptSignIn, freshAddress } from '../helpers/auth';
import { testApp } from '../helpers/app';
import { pruneThrottles } from '../../server/queries/throttle.queries';

const DAY = 86_400_000;

describeEachEngine('Audit retention and throttle expiry', (ctx) => {
  const audit = (action: string, ageDays: number) =>
    ctx.db
      .knex('audit_events')
      .insert({ action, subject: `test:${action}`, created_at: new Date(Date.now() - ageDays * DAY).toISOString() });

  it('audit:prune, with the default retention (730 days), deletes older audit events and expired throttle rows, and keeps the rest', async function () {
    this.timeout(30_000);
    await audit('test.three_years', 3 * 365);
    await audit('test.731_days', 731);
    await audit('test.729_days', 729);
    await audit('test.today', 0);
    const now = Date.now();
    await ctx.db.knex('login_throttles').insert([
      { key: 'account:expired@leep.test', failures: 3, window_started_at: now - 2 * 60 * 60_000, locked_until: 0 },
      { key: 'account:waiting@leep.test', failures: 9, window_started_at: now - 2 * 60 * 60_000, locked_until: now + 10 * 60_000 },
      { key: 'account:recent@leep.test', failures: 2, window_started_at: now - 60_000, locked_until: 0 },
    ]);

    const run = await runCliOn(ctx.db, ['audit:prune']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Deleted 2 audit events recorded before .* and 1 expired sign-in throttle rows\./);
    const left = (await ctx.db.knex('audit_events').where('action', 'like', 'test.%').orderBy('id').select('action')).map((r) => r.action);
    assert.deepEqual(left, ['test.729_days', 'test.today']);
    const keys = (await ctx.db.knex('login_throttles').where('key', 'like', 'account:%@leep.test').orderBy('key').select('key')).map(
      (r) => r.key,
    );
    assert.deepEqual(keys, ['account:recent@leep.test', 'account:waiting@leep.test']);
  });

  it('audit:prune, with AUDIT_RETENTION_DAYS=30 or --days 10, keeps only that many days', async function () {
    this.timeout(30_000);
    await audit('test.forty', 40);
    await audit('test.twenty', 20);
    await audit('test.five', 5);
    assert.equal((await runCliOn(ctx.db, ['audit:prune'], { AUDIT_RETENTION_DAYS: '30' })).code, 0);
    assert.deepEqual(
      (await ctx.db.knex('audit_events').whereIn('action', ['test.forty', 'test.twenty', 'test.five']).orderBy('id')).map((r) => r.action),
      ['test.twenty', 'test.five'],
    );
    assert.equal((await runCliOn(ctx.db, ['audit:prune', '--days', '10'])).code, 0);
    assert.deepEqual(
      (await ctx.db.knex('audit_events').whereIn('action', ['test.twenty', 'test.five'])).map((r) => r.action),
      ['test.five'],
    );
  });

  it('audit:prune --days abc, exits 2 and deletes nothing', async function () {
    this.timeout(30_000);
    await audit('test.old_kept', 5000);
    const run = await runCliOn(ctx.db, ['audit:prune', '--days', 'abc']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--days/);
    assert.equal((await ctx.db.knex('audit_events').where({ action: 'test.old_kept' })).length, 1);
  });

  it('POST /login, refused for 15 new e-mails, leaves throttle rows that all expire once their hour is over', async () => {
    const app = testApp({ TRUST_PROXY: '1' }).app;
    const address = freshAddress();
    const before = Number((await ctx.db.knex('login_throttles').count({ n: '*' }))[0].n);
    for (let i = 0; i < 15; i += 1) await attemptSignIn(app, `spray${i}.${Date.now()}@leep.test`, 'Wrong-password-1234', { address });
    const grown = Number((await ctx.db.knex('login_throttles').count({ n: '*' }))[0].n);
    assert.equal(grown - before, 31, 'two rows an e-mail (account, and account from this address) and one for the address');
    // An hour and a bit later, with every wait over:
    await ctx.db
      .knex('login_throttles')
      .where('key', 'like', 'account:spray%')
      .orWhere({ key: `ip:${address}` })
      .update({ locked_until: 0 });
    const removed = await pruneThrottles(Date.now() + 61 * 60_000, 60 * 60_000);
    assert.ok(removed >= 31, `the spray's rows are gone (removed ${removed})`);
    assert.equal((await ctx.db.knex('login_throttles').where('key', 'like', 'account:spray%')).length, 0);
  });
});
