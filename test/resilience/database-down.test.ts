import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { knexConfig } from '../../server/db';
import { engineMissing, freshDatabase, TestDatabase } from '../helpers/db';
import { describeIfAvailable } from '../helpers/needs';
import { encodeForm, formAgent, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { requestForm, requestPayload } from '../helpers/factories';
import { createSchema, insertDirector, postgresUrl, signInTo, startServer, TcpRelay, tempDir } from '../helpers/resilience';
import { killAllServers, Spawned } from '../helpers/built-server';

const PATIENCE_MS = 15_000;

/** The highest reference number taken so far, over all years. */
async function lastNumber(knex: Knex): Promise<number> {
  const [{ n }] = await knex('reference_counters').max({ n: 'last' });
  return Number(n ?? 0);
}

/** The pages a visitor and a director use, with the ids of one case. */
function pagesOf(caseId: number, statusPath: string): string[] {
  return [
    '/',
    '/requests/new',
    statusPath,
    '/login',
    '/cases',
    `/cases/${caseId}`,
    '/cases/triage',
    '/my-work',
    '/dashboard',
    '/states/OH',
    '/reports/coverage.csv',
    '/reports/engagements.csv',
    '/admin/users',
  ];
}

describe('The database failing under a running app [sqlite, in process]', function () {
  // The app runs on `current`, which the tests switch; no other app or suite sees the switch.
  let current: Knex;
  const { app } = testApp({}, { database: () => current });
  let good: TestDatabase;
  let broken: TestDatabase;
  let staff: Awaited<ReturnType<typeof signInAs>>;
  let caseId: number;
  let statusPath: string;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  before(async function () {
    this.timeout(60_000);
    broken = await freshDatabase('sqlite', { current: false });
    good = await freshDatabase('sqlite');
    current = good.knex;
    const director = await makeUser({ role: 'director' });
    const created = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(created.status, 201);
    statusPath = new URL(created.body.status_url).pathname;
    caseId = Number((await good.knex('cases').where({ reference: created.body.reference }).first('id')).id);
    staff = await signInAs(app, director);
    process.on('unhandledRejection', onRejection);
  });

  afterEach(() => (current = good.knex));

  after(async () => {
    process.off('unhandledRejection', onRejection);
    await broken.destroy().catch(() => undefined);
    await good.destroy();
  });

  it('every page, GET and POST, with the connection pool gone, answers 503 promptly, and no promise is left rejected', async function () {
    this.timeout(60_000);
    await broken.knex.destroy();
    current = broken.knex;
    const wrong: string[] = [];
    for (const page of pagesOf(caseId, statusPath)) {
      const res = await staff.get(page).timeout({ deadline: PATIENCE_MS });
      if (res.status !== 503) wrong.push(`GET ${page}: ${res.status}`);
    }
    const anonymous = await request(app).get('/healthz').timeout({ deadline: PATIENCE_MS });
    if (anonymous.status !== 503) wrong.push(`GET /healthz: ${anonymous.status}`);
    const api = await request(app).post('/api/v1/requests').send(requestPayload()).timeout({ deadline: PATIENCE_MS });
    if (api.status !== 503 || api.body.error?.code !== 'unavailable')
      wrong.push(`POST /api/v1/requests: ${api.status} ${api.text.slice(0, 200)}`);
    // A form whose token was fetched before the failure: the CSRF check passes, the database does not.
    current = good.knex;
    const { agent, token } = await formAgent(app, '/requests/new');
    current = broken.knex;
    const form = await agent
      .post('/requests')
      .type('form')
      .send(encodeForm({ ...requestForm(), _csrf: token }))
      .timeout({ deadline: PATIENCE_MS });
    if (form.status !== 503 || !/Service unavailable/.test(form.text)) wrong.push(`POST /requests: ${form.status}`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(wrong, []);
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });

  it('every page, once the database is back, answers 200 with the same sign-in, and a submission takes the next reference', async function () {
    this.timeout(60_000);
    current = good.knex;
    const wrong: string[] = [];
    for (const page of pagesOf(caseId, statusPath)) {
      const res = await staff.get(page).timeout({ deadline: PATIENCE_MS });
      // A signed-in director is sent on from the sign-in page.
      const want = page === '/login' ? 303 : 200;
      if (res.status !== want) wrong.push(`GET ${page}: ${res.status}`);
    }
    assert.deepEqual(wrong, []);
    const last = await lastNumber(good.knex);
    const next = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ title: 'After the outage' }));
    assert.equal(next.status, 201);
    assert.equal(next.body.reference.slice(-4), String(last + 1).padStart(4, '0'));
  });

  describe("with SQLite's write lock held by another connection", () => {
    let other: Knex;
    let trx: Knex.Transaction;
    let last: number;

    before(async () => {
      current = good.knex;
      last = await lastNumber(good.knex);
      other = knexFactory(knexConfig(good.url));
      trx = await other.transaction();
      // A write takes the lock, as a long import or a backup restore would, and keeps it until rollback.
      await trx('topics')
        .where({ slug: 'equity-lens' })
        .update({ name: trx.ref('name') });
    });

    after(async () => {
      if (!trx.isCompleted()) await trx.rollback();
      await other.destroy();
    });

    it('POST /api/v1/requests, while the lock is held, answers a 5xx JSON error once the busy timeout ends, stores nothing, and pages read meanwhile', async function () {
      this.timeout(60_000);
      const before = await trx('cases').count({ n: '*' });
      const finished: string[] = [];
      const posted = request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ title: 'While locked' }))
        .timeout({ deadline: PATIENCE_MS })
        .then((res) => (finished.push('POST'), res));
      // The submission now waits for the lock on the app's one writing connection; the pages
      // (and /healthz) read on connections of their own, so they answer before it gives up.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const page = await staff.get(`/cases/${caseId}`).timeout({ deadline: PATIENCE_MS });
      const health = await request(app).get('/healthz').timeout({ deadline: PATIENCE_MS });
      finished.push('GET');
      assert.equal(page.status, 200);
      assert.equal(health.status, 200);
      const res = await posted;
      assert.deepEqual(finished, ['GET', 'POST'], 'the pages did not wait for the blocked submission');
      assert.ok([500, 503].includes(res.status), `answered ${res.status}`);
      assert.ok(res.body.error?.request_id, 'a JSON error with a request id');
      assert.deepEqual(await trx('cases').count({ n: '*' }), before);
    });

    it('POST /api/v1/requests, once the lock is released, answers 201 with the next reference (the failed one took none)', async () => {
      await trx.rollback();
      const res = await request(app)
        .post('/api/v1/requests')
        .send(requestPayload({ title: 'After the lock' }));
      assert.equal(res.status, 201);
      assert.equal(res.body.reference.slice(-4), String(last + 1).padStart(4, '0'));
      assert.equal(await good.knex('cases').where({ title: 'While locked' }).first(), undefined);
    });
  });
});

describeIfAvailable('PostgreSQL going away under the built server [postgres, separate process]', engineMissing('postgres'), function () {
  const base = process.env.TEST_DATABASE_URL as string;
  const target = new URL(base);
  const relay = new TcpRelay(target.hostname, Number(target.port || 5432));
  const appName = `leep_resilience_${crypto.randomBytes(4).toString('hex')}`;
  const scratch = tempDir('leep-dbdown-');
  let schema: Awaited<ReturnType<typeof createSchema>>;
  let server: Spawned;
  let cookie: string;
  let pages: string[];

  const visit = async (page: string) => {
    try {
      const res = await fetch(server.url + page, {
        headers: { Cookie: cookie },
        redirect: 'manual',
        signal: AbortSignal.timeout(PATIENCE_MS),
      });
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      return `no answer (${(err as Error).name})`;
    }
  };
  const untilHealthy = async () => {
    const deadline = Date.now() + PATIENCE_MS;
    while (Date.now() < deadline && (await visit('/healthz')) !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  before(async function () {
    this.timeout(120_000);
    schema = await createSchema(base, 'dbdown');
    await relay.start();
    server = await startServer({ DATABASE_URL: postgresUrl(base, schema.schema, appName, { port: relay.port }), DATA_DIR: scratch.dir });
    const password = 'Resilience-check-2026';
    await insertDirector(schema.knex, 'director@resilience.test', password);
    cookie = await signInTo(server.url, 'director@resilience.test', password);
    const created = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(requestPayload()),
    });
    const body = (await created.json()) as { reference: string; status_url: string };
    const caseId = Number((await schema.knex('cases').where({ reference: body.reference }).first('id')).id);
    pages = pagesOf(caseId, new URL(body.status_url).pathname);
  });

  after(async () => {
    await killAllServers();
    await relay.cut();
    await schema.drop();
    scratch.remove();
  });

  it('every page, with PostgreSQL unreachable (connections dropped, new ones refused), answers 503 promptly and the process stays up', async function () {
    this.timeout(120_000);
    await relay.cut();
    const wrong: string[] = [];
    for (const page of [...pages, '/healthz']) {
      const status = await visit(page);
      if (status !== 503) wrong.push(`GET ${page}: ${status}`);
    }
    const api = await fetch(`${server.url}/api/v1/requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(requestPayload()),
      signal: AbortSignal.timeout(PATIENCE_MS),
    });
    if (api.status !== 503) wrong.push(`POST /api/v1/requests: ${api.status}`);
    assert.deepEqual(wrong, []);
    assert.ok(server.running(), `the process is still up:\n${server.output()}`);
  });

  it('every page, once PostgreSQL is reachable again, answers 200 with the same sign-in', async function () {
    this.timeout(60_000);
    await relay.restore();
    await untilHealthy();
    const wrong: string[] = [];
    for (const page of pages) {
      const status = await visit(page);
      if (status !== (page === '/login' ? 303 : 200)) wrong.push(`GET ${page}: ${status}`);
    }
    assert.deepEqual(wrong, []);
  });

  it("every page, after pg_terminate_backend ends each of the app's connections, answers 200 or 503 (never another error) and soon 200 again", async function () {
    this.timeout(60_000);
    // Warm the pool so that there are connections to end.
    await Promise.all(pages.map((p) => visit(p)));
    const ended = await schema.knex.raw('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = ?', [
      appName,
    ]);
    assert.ok(ended.rows.length > 0, 'the app had connections to end');
    const first: string[] = [];
    for (const page of pages) {
      const status = await visit(page);
      if (status !== (page === '/login' ? 303 : 200) && status !== 503) first.push(`GET ${page}: ${status}`);
    }
    assert.deepEqual(first, [], 'the first answers after the connections ended');
    const wrong: string[] = [];
    for (const page of pages) {
      const status = await visit(page);
      if (status !== (page === '/login' ? 303 : 200)) wrong.push(`GET ${page}: ${status}`);
    }
    assert.deepEqual(wrong, [], 'the answers after that');
    assert.ok(server.running(), `the process is still up:\n${server.output()}`);
  });
});
