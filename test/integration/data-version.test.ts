import assert from 'node:assert/strict';
import knexFactory from 'knex';
import { knexConfig, nowIso } from '../../server/db';
import { dataVersion } from '../../server/services/figures-cache';
import { makeUser } from '../helpers/auth';
import { makeCase } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';

describeEachEngine('The data version', (ctx) => {
  it('an insert, an update and a delete on a table that pages show, even made in SQL by hand, each move it', async () => {
    const kase = await makeCase(ctx.db.knex);
    const user = await makeUser();
    const changes: [string, () => Promise<unknown>][] = [
      ['a note added', () => ctx.db.knex('case_notes').insert({ case_id: kase.id, author_user_id: user.id, body: 'By hand', created_at: nowIso() })],
      ['a title changed', () => ctx.db.knex('cases').where({ id: kase.id }).update({ title: 'Changed by hand' })],
      ['a user renamed', () => ctx.db.knex('users').where({ id: user.id }).update({ name: 'Renamed by hand' })],
      ['a topic retired', () => ctx.db.knex('topics').where({ slug: 'early-learning' }).update({ active: false })],
      ['a note deleted', () => ctx.db.knex('case_notes').where({ case_id: kase.id }).delete()],
    ];
    for (const [what, change] of changes) {
      const before = await dataVersion();
      await change();
      assert.notEqual(await dataVersion(), before, what);
    }
  });

  it('a sign-in session or a message waiting in the outbox leaves it as it is', async () => {
    const before = await dataVersion();
    await ctx.db.knex('sessions').insert({ sid: `s-${Date.now()}`, data: '{}', expires_at: Date.now() + 60_000, user_id: null });
    await ctx.db.knex('outbox').insert({ kind: 'test', to_address: 'a@b.test', subject: 's', text_body: 't', html_body: 'h', status: 'waiting', attempts: 0, next_attempt_at: Date.now(), created_at: nowIso() });
    assert.equal(await dataVersion(), before);
  });

  if (ctx.engine === 'sqlite') {
    it('a change written through another connection to the same file (the command line) moves it', async () => {
      const kase = await makeCase(ctx.db.knex);
      const author = await makeUser();
      const before = await dataVersion();
      const other = knexFactory(knexConfig(ctx.db.url));
      try {
        await other('case_notes').insert({ case_id: kase.id, author_user_id: author.id, body: 'From another process', created_at: nowIso() });
      } finally {
        await other.destroy();
      }
      assert.notEqual(await dataVersion(), before);
    });
  } else {
    it('a transaction that took its id first but commits last still moves it when it commits', async () => {
      const other = knexFactory(knexConfig(ctx.db.url, { searchPath: ctx.db.searchPath }));
      try {
        const kase = await makeCase(ctx.db.knex);
        const slow = await other.transaction();
        // The slow transaction takes its event id first…
        await slow('case_events').insert({ case_id: kase.id, actor_kind: 'system', kind: 'case.updated', created_at: nowIso() });
        // …another commits after it with a higher id…
        await makeCase(ctx.db.knex);
        const seen = await dataVersion();
        // …and the slow one commits last: the newest id did not move, the version must.
        await slow.commit();
        assert.notEqual(await dataVersion(), seen);
      } finally {
        await other.destroy();
      }
    });
  }
});
