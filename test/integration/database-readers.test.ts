import assert from 'node:assert/strict';
import knexFactory, { Knex } from 'knex';
import { knexConfig, readerOf, reads, withDatabase } from '../../server/db';
import { transaction } from '../../server/queries/database.queries';
import { describeEachEngine } from '../helpers/db';

// On a SQLite file, queries that only read (`reads`) run on connections of their own beside the
// one writer, so that a page never waits behind a transaction or a write held up by a lock.
describeEachEngine('Reading beside the writer', (ctx) => {
  it('readerOf gives SQLite files connections of their own and PostgreSQL its one pool; `reads` runs there', async () => {
    const reader = readerOf(ctx.db.knex);
    assert.equal(reader === ctx.db.knex, ctx.engine === 'postgres');
    assert.equal(readerOf(ctx.db.knex), reader, 'one reader per database');
    const sqls: string[] = [];
    const listen = (q: { sql: string }) => sqls.push(q.sql);
    reader.on('query', listen);
    try {
      const rows = await withDatabase(ctx.db.knex, () => reads('jurisdictions').where({ code: 'VT' }).select('code'));
      assert.deepEqual(rows, [{ code: 'VT' }]);
      assert.ok(sqls.some((sql) => /from [`"]jurisdictions[`"]/.test(sql)));
    } finally {
      reader.removeListener('query', listen);
    }
  });

  it('a row the writer commits is read at once on the reader, and one it has not committed yet is not', async () => {
    const reader = readerOf(ctx.db.knex);
    const slug = `reader-${ctx.engine}`;
    const trx = await ctx.db.knex.transaction();
    try {
      const at = new Date().toISOString();
      await trx('topics').insert({ slug, name: `Reader ${ctx.engine}`, active: true, position: 900, created_at: at, updated_at: at });
      if (ctx.engine === 'sqlite') assert.equal(await reader('topics').where({ slug }).first(), undefined);
      await trx.commit();
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
    assert.equal((await reader('topics').where({ slug }).first('slug'))?.slug, slug);
    await ctx.db.knex('topics').where({ slug }).delete();
  });
});

describeEachEngine(
  'Reading and writing beside the writer, on SQLite',
  (ctx) => {
    it('the reader refuses a write (query_only), so that a write sent there by mistake fails and stores nothing', async () => {
      const before = await ctx.db.knex('topics').count({ n: '*' });
      await assert.rejects(
        readerOf(ctx.db.knex)('topics').insert({
          slug: 'never',
          name: 'Never',
          active: true,
          position: 901,
          created_at: '2026-01-01',
          updated_at: '2026-01-01',
        }),
        (err: { code?: string }) => err.code === 'SQLITE_READONLY',
      );
      assert.deepEqual(await ctx.db.knex('topics').count({ n: '*' }), before);
    });

    it('destroying a database closes its reader too, and a destroyed database reads nowhere else', async () => {
      const own: Knex = knexFactory(knexConfig(ctx.db.url));
      const reader = readerOf(own);
      assert.equal((await reader('jurisdictions').count({ n: '*' }))[0].n, 56);
      await own.destroy();
      assert.equal((reader.client as { pool?: unknown }).pool, undefined, 'the reader is closed');
      assert.equal(readerOf(own), own, 'no new reader for a closed database');
      await assert.rejects(withDatabase(own, () => reads('jurisdictions').first()));
    });

    it('transaction() holds the write lock from its start: another connection cannot write between its reads and its writes, and it commits', async () => {
      // Another process (a CLI import, a second tool) with a short busy wait.
      const other: Knex = knexFactory({
        ...knexConfig(ctx.db.url),
        pool: {
          min: 1,
          max: 1,
          afterCreate: (
            conn: { exec: (sql: string, cb: (err: Error | null) => void) => void },
            done: (err: Error | null, conn: unknown) => void,
          ) => conn.exec('PRAGMA busy_timeout = 200', (err) => done(err, conn)),
        },
      });
      try {
        const at = new Date().toISOString();
        await withDatabase(ctx.db.knex, () =>
          transaction(async (trx) => {
            const first = await trx('topics').orderBy('id').first('id');
            // With a plain BEGIN this write would commit, and the transaction's own write below would
            // then fail at once (SQLITE_BUSY: what it read is no longer the newest).
            await assert.rejects(
              other('topics').where({ id: first.id }).update({ updated_at: '2000-01-01' }),
              (err: { code?: string }) => err.code === 'SQLITE_BUSY',
            );
            await trx('topics').where({ id: first.id }).update({ updated_at: at });
          }),
        );
        assert.equal((await ctx.db.knex('topics').orderBy('id').first('updated_at')).updated_at, at);
        // Once it has committed, the other connection writes again.
        await other('topics').where({ updated_at: at }).update({ updated_at: at });
      } finally {
        await other.destroy();
      }
    });
  },
  ['sqlite'],
);
