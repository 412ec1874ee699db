import assert from 'node:assert/strict';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { DatabaseOptions, knexConfig, useDatabase } from '../../server/db';
import { describeEachEngine, describeOnPostgres } from '../helpers/db';
import { makeUser, signInAs } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';
import { testAppWithLog } from '../helpers/log';
import { makeLogger } from '../../server/logger';

/** A second knex instance on the suite's own database, with the given limits. */
function limited(ctx: { db: { url: string; searchPath?: string } }, options: DatabaseOptions, pool?: { min: number; max: number }): Knex {
  const config = knexConfig(ctx.db.url, { searchPath: ctx.db.searchPath, ...options });
  return knexFactory(pool ? { ...config, pool: { ...config.pool, ...pool } } : config);
}

describeEachEngine('Database limits: timeouts and storage failures answer 503', (ctx) => {
  const others: Knex[] = [];
  afterEach(async () => {
    useDatabase(ctx.db.knex);
    for (const k of others.splice(0)) await k.destroy().catch(() => undefined);
  });

  it('GET /cases, as a director, while every connection is busy, answers 503 with Retry-After once the acquire timeout passes', async function () {
    this.timeout(15_000);
    const { app } = testAppWithLog();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const timed = limited(ctx, { statementTimeoutMs: 5000, acquireTimeoutMs: 400 }, { min: 0, max: 1 });
    others.push(timed);
    useDatabase(timed);
    // A transaction holds the one connection of the pool.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const trx = timed.transaction(async (t) => {
      await t.raw('select 1');
      started();
      await held;
    });
    await holding;
    const t0 = Date.now();
    const res = await agent.get('/cases');
    const took = Date.now() - t0;
    release();
    await trx;
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '30');
    assert.ok(took < 3000, `answered in ${took} ms`);
  });

  it('POST /api/v1/requests, when the database refuses writes, answers 503, /healthz reports it, and the log names no submitted value', async function () {
    this.timeout(20_000);
    const { app, lines } = testAppWithLog();
    const email = `full.disk.${Date.now()}@example.org`;
    if (ctx.engine === 'sqlite') {
      // SQLite's own way to make "disk full": the file may not grow past the pages it has now.
      const [{ page_count: pages }] = await ctx.db.knex.raw('PRAGMA page_count');
      await ctx.db.knex.raw(`PRAGMA max_page_count = ${Number(pages)}`);
    } else {
      // A server that takes no writes (25006), as a standby or a full disk does.
      const readOnly = limited(ctx, { statementTimeoutMs: 2000, acquireTimeoutMs: 2000 });
      const config = readOnly.client.config;
      await readOnly.destroy();
      const ro = knexFactory({
        ...config,
        connection: { ...(config.connection as object), options: '-c default_transaction_read_only=on' },
      });
      others.push(ro);
      useDatabase(ro);
    }
    try {
      const big = 'We need help with our equity plan. '.repeat(140);
      const res = await request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ email, needs: big }));
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '30');
      assert.equal(res.body.error.code, 'unavailable');
      const health = await request(app).get('/healthz');
      assert.equal(health.status, 503, 'the health check reports what the write found');
      assert.equal(health.body.status, 'unavailable');
      assert.match(health.body.code, ctx.engine === 'sqlite' ? /^SQLITE_FULL/ : /^25006$/);
      const failed = lines.filter((l) => l.includes('"level":50'));
      assert.ok(
        failed.some((l) => /SQLITE_FULL|read-only transaction/.test(l)),
        'the failure is logged',
      );
      assert.deepEqual(
        lines.filter((l) => l.includes(email) || l.includes('Dana Whitfield')),
        [],
        'no bound value is inlined into the logged SQL',
      );
    } finally {
      if (ctx.engine === 'sqlite') await ctx.db.knex.raw('PRAGMA max_page_count = 1073741823');
      useDatabase(ctx.db.knex);
    }
    const again = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(again.status, 201, 'with room again, a submission is stored');
    assert.equal((await request(app).get('/healthz')).status, 200, 'and the health check is ok again after a write that worked');
  });
});

// Only PostgreSQL has statements that wait on another connection's lock (SQLite has one connection).
describeOnPostgres('Database limits on PostgreSQL: a frozen table', (ctx) => {
  afterEach(() => useDatabase(ctx.db.knex));
  if (ctx.engine !== 'postgres') return;

  it('GET /cases, as a director, while another connection holds an ACCESS EXCLUSIVE lock on cases, answers 503 with Retry-After within the statement timeout', async function () {
    this.timeout(15_000);
    const { app } = testAppWithLog();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const timed = knexFactory(knexConfig(ctx.db.url, { searchPath: ctx.db.searchPath, statementTimeoutMs: 600, acquireTimeoutMs: 600 }));
    const locker = knexFactory(knexConfig(ctx.db.url, { searchPath: ctx.db.searchPath }));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const trx = locker.transaction(async (t) => {
      await t.raw('LOCK TABLE cases IN ACCESS EXCLUSIVE MODE');
      locked();
      await held;
    });
    try {
      await holding;
      useDatabase(timed);
      const t0 = Date.now();
      const res = await agent.get('/cases');
      const took = Date.now() - t0;
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '30');
      assert.ok(took < 3000, `answered in ${took} ms`);
    } finally {
      release();
      await trx;
      await timed.destroy();
      await locker.destroy();
    }
  });

  it('every connection the app opens plans with random_page_cost 1.1 (an index lookup per engagement, not a scan of a link table), with or without limits', async () => {
    for (const options of [{}, { statementTimeoutMs: 5000, acquireTimeoutMs: 2000 }]) {
      const knex = limited(ctx, options);
      try {
        // Three transactions at once hold three connections of the pool.
        let hold!: () => void;
        const held = new Promise<void>((resolve) => (hold = resolve));
        const seen: string[] = [];
        const open = [1, 2, 3].map(() =>
          knex.transaction(async (t) => {
            const { rows } = (await t.raw('SHOW random_page_cost')) as { rows: { random_page_cost: string }[] };
            seen.push(rows[0].random_page_cost);
            if (seen.length === 3) hold();
            await held;
          }),
        );
        await Promise.all(open);
        assert.deepEqual(seen, ['1.1', '1.1', '1.1']);
      } finally {
        await knex.destroy();
      }
    }
  });
});

describe('The log and database errors', () => {
  it("makeLogger, given a PostgreSQL error whose detail repeats a row's values, writes the error without them", () => {
    const lines: string[] = [];
    const log = makeLogger({ logLevel: 'error' }, { write: (line: string) => void lines.push(line) });
    const err = Object.assign(
      new Error('insert into "cases" ("requester_email") values ($1) - null value in column "title" violates not-null constraint'),
      {
        code: '23502',
        detail: 'Failing row contains (7, dana.whitfield@example.org, null).',
        where: 'SQL function "x" statement 1',
      },
    );
    log.error({ err }, 'request failed');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /23502/);
    assert.ok(!lines[0].includes('dana.whitfield@example.org'), lines[0]);
  });
});
