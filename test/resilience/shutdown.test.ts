import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import knexFactory from 'knex';
import { generateDemo } from '../../seeds/demo';
import { seedReferenceData } from '../../seeds/reference';
import { knexConfig, migrateLatest } from '../../server/db';
import { DEMO_PASSWORD } from '../../server/demo-password';
import { hashPassword } from '../../server/services/password.service';
import { buildOnce, exitWithin, killAllServers, Spawned } from '../helpers/built-server';
import { apiRequest, signInTo, startServer, tempDir } from '../helpers/resilience';

/** Resolves once a new connection to the port is refused (the server stopped listening). */
async function refusedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const outcome = await new Promise<'refused' | 'accepted' | 'other'>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve('accepted');
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'other'));
    });
    if (outcome === 'refused') return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** Reads one HTTP/1.1 response with a Content-Length from a raw socket's text. */
function parseResponse(raw: string): { status: number; body: string } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = raw.slice(0, end);
  const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
  const body = raw.slice(end + 4);
  if (Number.isNaN(length) || Buffer.byteLength(body) < length) return undefined;
  return { status: Number(head.slice(9, 12)), body };
}

async function casesTitled(file: string, title: string): Promise<number> {
  const knex = knexFactory(knexConfig(file));
  try {
    const [{ n }] = await knex('cases').where({ title }).count({ n: '*' });
    return Number(n);
  } finally {
    await knex.destroy();
  }
}

describe('Graceful shutdown of the built server (SQLite)', function () {
  const scratch = tempDir('leep-shutdown-');

  before(async function () {
    this.timeout(120_000);
    await buildOnce();
  });

  after(async () => {
    await killAllServers();
    scratch.remove();
  });

  const start = async (name: string): Promise<{ server: Spawned; file: string }> => {
    const file = path.join(scratch.dir, `${name}.sqlite3`);
    return { server: await startServer({ DATABASE_URL: file, DATA_DIR: scratch.dir }), file };
  };

  it('SIGTERM, with a submission in flight (half its body sent), refuses new connections, answers it 201, stores it and exits 0 within 10 s', async function () {
    this.timeout(60_000);
    const { server, file } = await start('in-flight');
    const body = JSON.stringify(apiRequest('In flight at shutdown'));
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let raw = '';
    socket.on('data', (d) => (raw += d.toString()));
    socket.write(
      `POST /api/v1/requests HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    socket.write(body.slice(0, 40));
    // A round trip on another connection: once it is answered, the server has taken the first.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    server.child.kill('SIGTERM');
    assert.ok(await refusedWithin(server.port, 5_000), 'new connections are refused after SIGTERM');
    assert.ok(server.running(), 'the process waits for the request in flight');
    assert.equal(raw, '', 'nothing was answered before the body was complete');

    socket.write(body.slice(40));
    const deadline = Date.now() + 10_000;
    while (!parseResponse(raw) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const res = parseResponse(raw);
    assert.equal(res?.status, 201, raw.slice(0, 500));
    assert.match(JSON.parse(res.body).reference, /^TA-\d{4}-0001$/);
    socket.end();

    assert.equal(await exitWithin(server, 10_000), 0, server.output());
    assert.equal(await casesTitled(file, 'In flight at shutdown'), 1, 'the answered submission is stored');
  });

  it('SIGTERM, during a large CSV download that the client is slow to read, lets it finish in full and exits 0 within 10 s', async function () {
    this.timeout(90_000);
    // A data set whose engagement export is a few megabytes, read by the client one pause at a time.
    const file = path.join(scratch.dir, 'download.sqlite3');
    const knex = knexFactory(knexConfig(file));
    await migrateLatest(knex);
    await seedReferenceData(knex);
    const demo = await generateDemo(knex, {
      cases: 600,
      engagements: 15_000,
      consultants: 20,
      jurisdictions: 30,
      seed: 7,
      today: '2026-11-23',
      passwordHash: await hashPassword(DEMO_PASSWORD, { logN: 17, r: 8, p: 1 }),
      details: false,
    });
    await knex.destroy();
    const server = await startServer({ DATABASE_URL: file, DATA_DIR: scratch.dir });
    const cookie = await signInTo(server.url, demo.director, DEMO_PASSWORD);
    const csvPath = '/reports/engagements.csv?from=2017-01-01&to=2026-11-23';
    const whole = Buffer.from(await (await fetch(server.url + csvPath, { headers: { Cookie: cookie } })).arrayBuffer());
    const lines = whole.toString().split('\n').length;
    assert.ok(lines > 10_000, `the export has ${lines} lines`);

    // The response is paused as soon as its head arrives: the server is left mid-export,
    // waiting for the client to read.
    const received: Buffer[] = [];
    let ended!: Promise<void>;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(server.url + csvPath, { headers: { Cookie: cookie }, agent: false }, (r) => {
        r.pause();
        ended = new Promise<void>((done, fail) => {
          r.on('end', done);
          r.on('error', fail);
        });
        r.on('data', (d: Buffer) => received.push(d));
        resolve(r);
      });
      req.on('error', reject);
    });
    assert.equal(res.statusCode, 200);

    server.child.kill('SIGTERM');
    assert.ok(await refusedWithin(server.port, 5_000), 'new connections are refused after SIGTERM');
    assert.ok(server.running(), 'the process waits for the download');
    res.resume();
    await ended;
    const got = Buffer.concat(received);
    assert.ok(got.equals(whole), `the download arrived whole (${got.length} of ${whole.length} bytes, same content: ${got.equals(whole)})`);
    assert.equal(await exitWithin(server, 10_000), 0, server.output());
  });

  it('SIGTERM, with an idle keep-alive connection open, closes it and exits 0 within 10 s', async function () {
    this.timeout(60_000);
    const { server } = await start('idle');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets: net.Socket[] = [];
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${server.url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('socket', (s) => sockets.push(s));
      req.on('error', reject);
    });
    assert.equal(status, 200);
    const closed = new Promise<void>((resolve) => sockets[0].once('close', () => resolve()));
    assert.equal(sockets[0].destroyed, false, 'the connection is kept open by the client');

    server.child.kill('SIGTERM');
    assert.equal(await exitWithin(server, 10_000), 0, server.output());
    await closed;
    agent.destroy();
  });
});
