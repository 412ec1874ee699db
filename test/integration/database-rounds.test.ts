import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { readTogether, readerOf } from '../../server/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { addEngagement, engagementForm, makeCase, staffAgent } from '../helpers/engagements';

interface PoolEvents {
  on(event: 'acquireRequest' | 'release' | 'acquireFail', listener: () => void): void;
  removeListener(event: 'acquireRequest' | 'release' | 'acquireFail', listener: () => void): void;
}

/**
 * How many times `work` waited for the database: a round starts when a query asks the pool for a
 * connection while no query of an earlier round still holds or awaits one. Reads started side by
 * side (Promise.all) ask in the same tick, so they are one round whatever the engine or the pool
 * size; a read that awaits the one before it is a round of its own. Under load each round waits
 * behind every other request's queries, so a page's rounds, not its queries, set how long it waits.
 */
async function roundsOf(knex: Knex, work: () => Promise<unknown>): Promise<number> {
  // Reads go to the reader's pool on SQLite (readerOf), writes and transactions to the writer's.
  const pools = [...new Set([knex, readerOf(knex)])].map((k) => (k.client as { pool: PoolEvents }).pool);
  let outstanding = 0;
  let rounds = 0;
  const asked = () => {
    if (outstanding === 0) rounds += 1;
    outstanding += 1;
  };
  const done = () => {
    outstanding -= 1;
  };
  for (const pool of pools) {
    pool.on('acquireRequest', asked);
    pool.on('release', done);
    pool.on('acquireFail', done);
  }
  try {
    await work();
  } finally {
    for (const pool of pools) {
      pool.removeListener('acquireRequest', asked);
      pool.removeListener('release', done);
      pool.removeListener('acquireFail', done);
    }
  }
  return rounds;
}

describeEachEngine('Pages wait for the database in few rounds', (ctx) => {
  const { app, config } = testApp();
  let agent: Awaited<ReturnType<typeof staffAgent>>;
  let caseId: number;

  before(async function () {
    this.timeout(30_000);
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    caseId = (await makeCase(config, { lead, director, jurisdiction: 'VT' })).id;
    agent = await staffAgent(app, director);
    for (let i = 0; i < 3; i += 1) await addEngagement(ctx.db.knex, agent, caseId, engagementForm([lead], { jurisdictions: ['VT'] }));
    // The pages' first views (compiled views, the reference data) are not what is counted.
    await agent.get(`/cases/${caseId}`).expect(200);
    await agent.get('/states/VT').expect(200);
    await agent.get('/cases').expect(200);
  });

  it('readTogether starts every read before any ends on the pool, and one after another in a transaction', async () => {
    const order: string[] = [];
    const read = (name: string) => async () => {
      order.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${name}`);
      return name;
    };
    assert.deepEqual(await readTogether(ctx.db.knex, [read('a'), read('b')] as const), ['a', 'b']);
    assert.deepEqual(order.splice(0), ['start a', 'start b', 'end a', 'end b']);
    const inTransaction = await ctx.db.knex.transaction((trx) => readTogether(trx, [read('a'), read('b')] as const));
    assert.deepEqual(inTransaction, ['a', 'b']);
    assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
  });

  it('the case page, for a director, waits in 4 rounds at most: the session, the case, all it shows, the engagements’ lists', async () => {
    const rounds = await roundsOf(ctx.db.knex, () => agent.get(`/cases/${caseId}`).expect(200));
    assert.ok(rounds >= 2 && rounds <= 4, `the case page waited for the database ${rounds} times`);
  });

  it('the state page waits in 2 rounds: the session, then all it shows', async () => {
    const rounds = await roundsOf(ctx.db.knex, () => agent.get('/states/VT').expect(200));
    assert.equal(rounds, 2, `the state page waited for the database ${rounds} times`);
  });

  it('the state page asked for a page past the end of a list waits one round more, to read its last page', async () => {
    const res = await agent.get('/states/VT?engagements_page=40').expect(200);
    assert.match(res.text, /Engagement/);
    const rounds = await roundsOf(ctx.db.knex, () => agent.get('/states/VT?engagements_page=40').expect(200));
    assert.equal(rounds, 3, `the state page waited for the database ${rounds} times`);
  });

  it('the case list waits in 2 rounds: the session, then the page of cases with its count and the filters’ choices', async () => {
    const rounds = await roundsOf(ctx.db.knex, () => agent.get('/cases').expect(200));
    assert.equal(rounds, 2, `the case list waited for the database ${rounds} times`);
  });
});
