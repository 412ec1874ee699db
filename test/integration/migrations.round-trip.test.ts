import assert from 'node:assert/strict';
import { migrateLatest } from '../../server/db';
import { describeEachEngine } from '../helpers/db';

// Every migration goes down as well as up: latest, then rollback of all, then latest again.
describeEachEngine('Migrations: latest, rollback of all, latest again', (ctx) => {
  it('rolls every migration back, leaving no table of the app, and applies them all again', async function () {
    this.timeout(120_000);
    const [done] = (await ctx.db.knex.migrate.list()) as [unknown[], unknown[]];
    assert.ok(done.length > 0, 'the fresh database is migrated');
    await ctx.db.knex.migrate.rollback(undefined, true);
    const [after, pending] = (await ctx.db.knex.migrate.list()) as [unknown[], unknown[]];
    assert.deepEqual(after, [], 'no migration is left applied');
    assert.equal(pending.length, done.length, 'every migration is pending again');
    assert.equal(await ctx.db.knex.schema.hasTable('cases'), false, 'the cases table is gone');
    await migrateLatest(ctx.db.knex);
    const [again, left] = (await ctx.db.knex.migrate.list()) as [unknown[], unknown[]];
    assert.equal(again.length, done.length, 'every migration is applied again');
    assert.deepEqual(left, []);
  });
});
