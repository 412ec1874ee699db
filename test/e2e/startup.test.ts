import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnce, exitWithin, freePort, killAllServers, spawnBuilt, Spawned, waitHealthy } from '../helpers/built-server';

const SECRET = 'e2e-secret-0123456789-abcdefghijklmnop';

/** Starts the built server with exactly this environment (plus PATH), on the port it names. */
function startServer(env: Record<string, string>): Spawned {
  return spawnBuilt(env, Number(env.PORT) || 0);
}

/** Posts a small valid request to the running server's API. */
async function postRequest(
  port: number,
  idempotencyKey?: string,
): Promise<{ status: number; body: { reference: string; status_url: string } }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: JSON.stringify({
      jurisdiction: 'VT',
      name: 'Sam Okafor',
      email: 'sam@example.org',
      role: 'Board member',
      organization_type: 'state_board',
      organization_name: 'Vermont State Board of Education',
      topics: ['equity-lens'],
      preferred_format: 'one_on_one',
      title: 'Start-up check',
      needs: 'Check that the built server stores requests.',
    }),
  });
  return { status: res.status, body: (await res.json()) as { reference: string; status_url: string } };
}

describe('Starting the built server (SQLite)', function () {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-e2e-'));
    dirs.push(dir);
    return dir;
  };

  before(async function () {
    this.timeout(120_000);
    await buildOnce();
  });

  after(async () => {
    await killAllServers();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('node dist/server/index.js, on an empty data directory without DATABASE_URL, creates the SQLite database, serves, and exits 0 on SIGTERM', async function () {
    this.timeout(40_000);
    const dataDir = tempDir();
    const port = await freePort();
    const server = startServer({ PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'production', SECRET, LOG_LEVEL: 'silent' });

    await waitHealthy(server, 20_000);
    assert.ok(fs.existsSync(path.join(dataDir, 'leep.sqlite3')), 'the SQLite file is in DATA_DIR');
    // Migrated and seeded: a request naming a jurisdiction and a topic is accepted.
    const created = await postRequest(port);
    assert.equal(created.status, 201);
    assert.match(created.body.reference, /^TA-\d{4}-0001$/);
    const css = await fetch(`http://127.0.0.1:${port}/uswds/css/uswds.min.css`);
    assert.equal(css.status, 200);
    assert.ok((await css.arrayBuffer()).byteLength > 10_000, 'the USWDS stylesheet is served in full');
    // Views and public files are found from the compiled code too (server/paths.ts).
    const home = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Ask for support/);
    const appCss = await fetch(`http://127.0.0.1:${port}/public/css/app.css`);
    assert.equal(appCss.status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await exitWithin(server, 10_000), 0, server.stderr());
  });

  it('node dist/server/index.js, on an empty database, first logs where to create the first director, links /setup from the sign-in page, serves a favicon and logs no request or response headers at info', async function () {
    this.timeout(40_000);
    const dataDir = tempDir();
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      SECRET,
      LOG_LEVEL: 'info',
      PUBLIC_URL: 'https://ta.leep.example',
    });
    await waitHealthy(server, 20_000);
    const first = JSON.parse(server.stdout().split('\n')[0]) as { msg: string; setup?: string };
    assert.match(first.msg, /no user yet: create the first director at https:\/\/ta\.leep\.example\/setup/);
    assert.equal(first.setup, 'https://ta.leep.example/setup');
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    assert.match(await login.text(), /<a href="\/setup">Create the first director<\/a>/);
    const icon = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    // A 404 is logged at info: its line names the status, not the headers of either side.
    const missing = await fetch(`http://127.0.0.1:${port}/no-such-page`, { headers: { 'X-Marker-Header': 'marker-value-4242' } });
    assert.equal(missing.status, 404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = server
      .stdout()
      .split('\n')
      .find((l) => l.includes('"statusCode":404'));
    assert.ok(line, 'the 404 is logged at info');
    assert.ok(!/marker-value-4242|content-security-policy|x-request-id/i.test(line), `no headers in: ${line}`);
    server.child.kill('SIGTERM');
    assert.equal(await exitWithin(server, 10_000), 0, server.stderr());
  });

  it('node dist/server/index.js, started a second time on the same data directory, keeps what was stored and its numbering', async function () {
    this.timeout(40_000);
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, NODE_ENV: 'production', SECRET, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://leep.example' };
    const key = 'restart-check-0001';

    let port = await freePort();
    let server = startServer({ ...env, PORT: String(port) });
    await waitHealthy(server, 20_000);
    const first = await postRequest(port, key);
    assert.equal(first.status, 201);
    server.child.kill('SIGTERM');
    assert.equal(await exitWithin(server, 10_000), 0, server.stderr());

    port = await freePort();
    server = startServer({ ...env, PORT: String(port) });
    await waitHealthy(server, 20_000);
    const replayed = await postRequest(port, key);
    assert.equal(replayed.status, 201);
    assert.deepEqual(replayed.body, first.body, 'the same key after a restart answers with the same case and link');
    const next = await postRequest(port);
    assert.equal(next.status, 201);
    assert.equal(next.body.reference, first.body.reference.replace(/\d{4}$/, '0002'));
    server.child.kill('SIGTERM');
    assert.equal(await exitWithin(server, 10_000), 0, server.stderr());
  });

  it('node dist/server/index.js, in production without SECRET, exits 1 naming SECRET on stderr', async function () {
    this.timeout(20_000);
    const dataDir = tempDir();
    const server = startServer({ PORT: String(await freePort()), DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'silent' });
    assert.equal(await exitWithin(server, 15_000), 1);
    assert.match(server.stderr(), /SECRET/);
    assert.deepEqual(fs.readdirSync(dataDir), [], 'nothing was created before the configuration was checked');
  });

  it('node dist/server/index.js, with a bad PORT, exits 1 naming PORT on stderr', async function () {
    this.timeout(20_000);
    const server = startServer({ PORT: 'eighty', DATA_DIR: tempDir(), NODE_ENV: 'production', SECRET, LOG_LEVEL: 'silent' });
    assert.equal(await exitWithin(server, 15_000), 1);
    assert.match(server.stderr(), /PORT/);
  });
});
