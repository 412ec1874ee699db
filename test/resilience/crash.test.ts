import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import knexFactory from 'knex';
import { knexConfig } from '../../server/db';
import { buildOnce, killAllServers } from '../helpers/built-server';
import { apiRequest, startServer, submit, tempDir } from '../helpers/resilience';

const CYCLES = 5;
const CLIENTS = 6;

interface Sent {
  title: string;
  reference?: string;
}

/** What the SQLite file holds, read by a connection of the test's own while the server runs. */
async function storeOf(file: string) {
  const knex = knexFactory(knexConfig(file));
  try {
    const integrity = (await knex.raw('PRAGMA integrity_check')) as { integrity_check: string }[];
    const cases: { reference: string; idempotency_key: string | null; title: string }[] = await knex('cases')
      .select('reference', 'idempotency_key', 'title')
      .orderBy('id');
    const counters: { year: number; last: number }[] = await knex('reference_counters').select('year', 'last');
    return { integrity: integrity.map((r) => r.integrity_check), cases, counters };
  } finally {
    await knex.destroy();
  }
}

/** Everything that must hold after a restart; returns the problems found (none when all is well). */
async function problemsIn(file: string, sent: Map<string, Sent>, when: string): Promise<string[]> {
  const store = await storeOf(file);
  const problems: string[] = [];
  if (store.integrity.join() !== 'ok') problems.push(`${when}: integrity_check says ${store.integrity.join('; ')}`);
  const byKey = new Map<string, string>();
  for (const c of store.cases) {
    if (!c.idempotency_key) continue;
    if (byKey.has(c.idempotency_key))
      problems.push(`${when}: key ${c.idempotency_key} stored twice (${byKey.get(c.idempotency_key)}, ${c.reference})`);
    byKey.set(c.idempotency_key, c.reference);
  }
  for (const [key, s] of sent) {
    if (s.reference && byKey.get(key) !== s.reference)
      problems.push(`${when}: acknowledged ${s.reference} (key ${key}) is ${byKey.has(key) ? `stored as ${byKey.get(key)}` : 'missing'}`);
  }
  const references = store.cases.map((c) => c.reference);
  if (new Set(references).size !== references.length) problems.push(`${when}: a reference is stored twice`);
  // Each year's numbers run 1..n without a gap: a crashed transaction gives its number back.
  const byYear = new Map<number, number[]>();
  for (const ref of references) {
    const [, year, seq] = /^TA-(\d{4})-(\d{4,})$/.exec(ref) ?? [];
    byYear.set(Number(year), [...(byYear.get(Number(year)) ?? []), Number(seq)]);
  }
  for (const [year, seqs] of byYear) {
    const sorted = [...seqs].sort((a, b) => a - b);
    if (sorted.some((n, i) => n !== i + 1)) problems.push(`${when}: ${year}'s references are not 1..${sorted.length}`);
    const counter = store.counters.find((c) => Number(c.year) === year);
    if (Number(counter?.last) !== sorted.length)
      problems.push(`${when}: ${year}'s counter says ${counter?.last}, ${sorted.length} cases stored`);
  }
  return problems;
}

describe('Crash recovery of the built server (SQLite)', function () {
  const scratch = tempDir('leep-crash-');
  const file = path.join(scratch.dir, 'leep.sqlite3');
  const env = { DATABASE_URL: file, DATA_DIR: scratch.dir };

  before(async function () {
    this.timeout(120_000);
    await buildOnce();
  });

  after(async () => {
    await killAllServers();
    scratch.remove();
  });

  it(`node dist/server/index.js, killed with SIGKILL ${CYCLES} times while ${CLIENTS} clients post, keeps every acknowledged submission exactly once, gap-free, in an intact file`, async function () {
    this.timeout(180_000);
    const sent = new Map<string, Sent>();
    const problems: string[] = [];
    let acknowledged = 0;
    let lostInFlight = 0;

    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      const server = await startServer(env);
      problems.push(...(await problemsIn(file, sent, `after restart ${cycle}`)));
      // Killed at a different point each time, with every client's request in flight.
      const killAfter = 8 + 5 * cycle;
      let acks = 0;
      let killed = false;
      const client = async (n: number) => {
        while (!killed) {
          const key = `crash-${cycle}-${n}-${crypto.randomBytes(6).toString('hex')}`;
          const title = `Crash cycle ${cycle}, client ${n}`;
          sent.set(key, { title });
          const res = await submit(server.url, apiRequest(title), { key });
          if (res.status === 201 && res.json?.reference) {
            (sent.get(key) as Sent).reference = res.json.reference;
            acks += 1;
            acknowledged += 1;
            if (acks >= killAfter && !killed) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          } else if (res.status === 0 && killed) {
            lostInFlight += 1;
          } else {
            problems.push(`cycle ${cycle}: a submission answered ${res.status || 'no answer'} ${killed ? 'after' : 'before'} the kill`);
            killed = true;
            server.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
      const { signal } = await server.exited;
      assert.equal(signal, 'SIGKILL', `cycle ${cycle}: the server died of the kill, not before:\n${server.output()}`);
    }

    // Once more up: every acknowledged submission is there, and a client that retries what got no
    // answer (with the same key, as the API asks) gets one case per key, never a second.
    const server = await startServer(env);
    problems.push(...(await problemsIn(file, sent, 'after the last restart')));
    for (const [key, s] of sent) {
      if (s.reference) continue;
      const res = await submit(server.url, apiRequest(s.title), { key });
      if (res.status !== 201 || !res.json?.reference) problems.push(`retrying key ${key} answered ${res.status}`);
      else s.reference = res.json.reference;
    }
    problems.push(...(await problemsIn(file, sent, 'after the retries')));
    const store = await storeOf(file);
    assert.deepEqual(problems, []);
    assert.ok(acknowledged >= CYCLES * 13, `${acknowledged} submissions were acknowledged`);
    assert.ok(lostInFlight > 0, 'some requests were in flight when the server was killed');
    assert.equal(store.cases.length, sent.size, 'one case per key sent, whether its first answer was lost or not');
    assert.deepEqual(new Set(store.cases.map((c) => c.idempotency_key)), new Set(sent.keys()));
    for (const c of store.cases)
      assert.equal(c.title, sent.get(c.idempotency_key as string)?.title, `${c.reference} holds its own request`);
  });
});
