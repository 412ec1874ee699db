import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { isUniqueViolation, knexConfig } from '../../server/db';

/** The SQLite connection keeps its prepared statements (server/db.ts): what callers see must not change. */
describe('Prepared statements kept on the SQLite connection', () => {
  let dir: string;
  let knex: Knex;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-statements-'));
    knex = knexFactory(knexConfig(path.join(dir, 'statements.sqlite3')));
    await knex.schema.createTable('things', (t) => {
      t.increments('id');
      t.string('name').notNullable().unique();
    });
  });

  after(async () => {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the same insert, run again and again, answers each new id, and the same select each time reads what is there now', async () => {
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const [id] = await knex('things').insert({ name });
      ids.push(Number(id));
      assert.deepEqual(await knex('things').where({ name }).pluck('id'), [Number(id)]);
    }
    assert.deepEqual(ids, [1, 2, 3]);
    assert.deepEqual(await knex('things').orderBy('id').pluck('name'), ['a', 'b', 'c']);
    assert.equal(await knex('things').where({ name: 'b' }).update({ name: 'bb' }), 1);
    assert.equal(await knex('things').where({ name: 'nobody' }).update({ name: 'x' }), 0);
    assert.deepEqual(await knex('things').orderBy('id').pluck('name'), ['a', 'bb', 'c']);
  });

  it('a unique violation, on a statement used before, fails with SQLite\'s own error, and the statement still works afterwards', async () => {
    await knex('things').insert({ name: 'dup-1' });
    await assert.rejects(knex('things').insert({ name: 'dup-1' }), (err: unknown) => isUniqueViolation(err));
    const [id] = await knex('things').insert({ name: 'dup-2' });
    assert.ok(Number(id) > 0);
  });

  it('SQL that cannot be prepared (a syntax error, an unknown table) fails with its own message every time, and never hangs', async () => {
    for (let i = 0; i < 2; i += 1) {
      await assert.rejects(knex.raw('selec nothing'), /syntax error/);
      await assert.rejects(knex('no_such_table').select(), /no such table: no_such_table/);
    }
    assert.deepEqual(await knex.raw('select 1 as one'), [{ one: 1 }]);
  });

  it('a transaction that fails half-way leaves nothing, and the next one commits', async () => {
    await assert.rejects(
      knex.transaction(async (trx) => {
        await trx('things').insert({ name: 'half' });
        await trx('things').insert({ name: 'half' });
      }),
      (err: unknown) => isUniqueViolation(err),
    );
    assert.deepEqual(await knex('things').where({ name: 'half' }).pluck('id'), []);
    await knex.transaction(async (trx) => {
      await trx('things').insert({ name: 'whole' });
    });
    assert.equal((await knex('things').where({ name: 'whole' }).pluck('id')).length, 1);
  });

  it('more distinct statements than are kept (200) all answer correctly, the oldest prepared anew', async () => {
    const names = await knex('things').orderBy('id').pluck('name');
    for (let n = 1; n <= 260; n += 1) {
      const rows = await knex.raw(`select ${n} as n, count(*) as c from things`);
      assert.deepEqual(rows, [{ n, c: names.length }]);
    }
    assert.deepEqual(await knex.raw('select 1 as n, count(*) as c from things'), [{ n: 1, c: names.length }]);
  });
});

describe('Closing a SQLite connection that kept prepared statements', () => {
  it('knex.destroy(), after queries that left statements prepared, closes the file: the WAL is folded back and removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-close-'));
    const file = path.join(dir, 'close.sqlite3');
    const knex = knexFactory(knexConfig(file));
    await knex.schema.createTable('notes', (t) => {
      t.increments('id');
      t.string('body');
    });
    for (let i = 0; i < 5; i += 1) await knex('notes').insert({ body: `note ${i}` });
    assert.equal((await knex('notes').pluck('id')).length, 5);
    assert.ok(fs.existsSync(`${file}-wal`), 'the WAL is there while the connection is open');
    await knex.destroy();
    // SQLite checkpoints and deletes the WAL only when the last connection really closes.
    assert.equal(fs.existsSync(`${file}-wal`), false);
    const again = knexFactory(knexConfig(file));
    assert.deepEqual(await again('notes').orderBy('id').pluck('body'), ['note 0', 'note 1', 'note 2', 'note 3', 'note 4']);
    await again.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
