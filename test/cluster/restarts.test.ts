import assert from 'node:assert/strict';
import { Browser, Cluster, describeCluster, startCluster } from '../helpers/cluster';
import { makeUser } from '../helpers/auth';
import { apiRequest, submit } from '../helpers/resilience';
import { exitWithin } from '../helpers/built-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeCluster('Stopping and restarting instances behind nginx [postgres, nginx]', function () {
  let cluster: Cluster;

  before(async function () {
    this.timeout(180_000);
    // A drain long enough for a loaded machine to check /healthz while the instance still serves.
    cluster = await startCluster({ env: { SHUTDOWN_DRAIN_MS: '2000' } });
  });

  // Each test starts with both instances serving, whatever the one before left.
  beforeEach(async function () {
    this.timeout(120_000);
    for (const i of [0, 1]) if (!cluster.instances[i].running()) await cluster.restart(i);
  });

  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
  });

  it('SIGTERM with 12 submissions in flight, 5 rounds: /healthz fails at once while pages are still served, every submission is answered 201 (none reset) and stored, and the instance exits 0', async function () {
    this.timeout(120_000);
    for (let round = 0; round < 5; round += 1) {
      const server = cluster.instances[0];
      const titles = Array.from({ length: 12 }, (_, i) => `In flight round ${round} #${i} ${Date.now()}`);
      const answers = Promise.all(titles.map((title) => submit(server.url, apiRequest(title))));
      await sleep(8);
      server.child.kill('SIGTERM');
      if (round === 0) {
        // Draining: the health check fails as soon as the signal is handled, while pages are still served.
        let health = await fetch(`${server.url}/healthz`);
        for (let i = 0; health.status === 200 && i < 50; i += 1) {
          await health.arrayBuffer();
          await sleep(20);
          health = await fetch(`${server.url}/healthz`);
        }
        assert.equal(health.status, 503);
        assert.deepEqual(await health.json(), { status: 'draining' });
        assert.equal(await fetch(`${server.url}/requests/new`).then(async (r) => (await r.arrayBuffer(), r.status)), 200);
      }
      const statuses = (await answers).map((a) => a.status);
      assert.deepEqual(statuses, Array(12).fill(201), `round ${round}: ${statuses.join(' ')}`);
      assert.equal(await exitWithin(server, 15_000), 0, server.output());
      const [{ n }] = await cluster.knex('cases').whereIn('title', titles).count({ n: '*' });
      assert.equal(Number(n), 12, `round ${round}: every answered submission is stored`);
      await cluster.restart(0);
    }
  });

  it('a rolling restart (SIGTERM one instance, start it again, then the other) under 20 requests a second of mixed traffic through nginx fails no request', async function () {
    this.timeout(120_000);
    const director = await makeUser({ role: 'director' });
    const browser = new Browser();
    await browser.signIn(cluster.url, director.email, director.password);
    const failures: string[] = [];
    let sent = 0;
    let running = true;
    const inFlight = new Set<Promise<void>>();
    // Every 50 ms one request, in turn: a public page, a staff page, a submission, the health check.
    const kinds = [
      async () => ['GET /requests/new', (await browser.get(`${cluster.url}/requests/new`)).status, [200]] as const,
      async () => ['GET /cases', (await browser.get(`${cluster.url}/cases`)).status, [200]] as const,
      async () => ['POST /api/v1/requests', (await submit(cluster.url, apiRequest(`Rolling ${sent}`))).status, [201]] as const,
      async () => ['GET /my-work', (await browser.get(`${cluster.url}/my-work`)).status, [200]] as const,
    ];
    const traffic = (async () => {
      while (running) {
        const kind = kinds[sent % kinds.length];
        sent += 1;
        const p = kind()
          .then(([what, status, ok]) => {
            if (!(ok as readonly number[]).includes(status)) failures.push(`${what}: ${status}`);
          })
          .catch((err) => {
            failures.push(`request failed: ${(err as Error).message}`);
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        await sleep(50);
      }
    })();
    await sleep(1000);
    for (const i of [0, 1]) {
      const server = cluster.instances[i];
      server.child.kill('SIGTERM');
      assert.equal(await exitWithin(server, 20_000), 0, server.output());
      await cluster.restart(i);
      // nginx takes an instance that refused a connection out for fail_timeout (2 s): the next
      // one is stopped once this one is back in.
      await sleep(2500);
    }
    await sleep(1000);
    running = false;
    await traffic;
    await Promise.all([...inFlight]);
    assert.ok(sent >= 150, `${sent} requests were sent`);
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed; nginx said:\n${cluster.nginxLog()}`);
  });
});
