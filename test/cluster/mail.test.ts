import assert from 'node:assert/strict';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { insertMany } from '../../server/db-sql';
import { Cluster, describeCluster, startCluster, tag } from '../helpers/cluster';

/**
 * An SMTP server that counts what it accepted, by subject. A message counts as delivered when the
 * server answers its DATA with 250, as SMTP has it: one whose sender died before that answer was
 * not delivered. `delayMs` makes it slow; `decide` may hold a message unanswered.
 */
async function countingSmtp(options: { delayMs?: number; decide?: (from: string) => 'accept' | 'hold' } = {}) {
  const delivered = new Map<string, number>();
  const bySender = new Map<string, number>();
  let held = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Many connections at once: each instance sends several messages side by side.
    maxClients: 200,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const subject = /^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString('latin1'))?.[1]?.trim() ?? '';
        if (options.decide?.(from) === 'hold') {
          held += 1;
          return; // never answered: the sender is killed while it waits
        }
        setTimeout(() => {
          delivered.set(subject, (delivered.get(subject) ?? 0) + 1);
          bySender.set(from, (bySender.get(from) ?? 0) + 1);
          cb();
        }, options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    delivered,
    bySender,
    held: () => held,
    total: () => [...delivered.values()].reduce((a, b) => a + b, 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Puts `n` messages in the outbox, due now; returns their subjects. */
async function queue(cluster: Cluster, n: number): Promise<string[]> {
  const run = tag();
  const subjects = Array.from({ length: n }, (_, i) => `Cluster message ${run} ${String(i).padStart(4, '0')}`);
  const at = new Date().toISOString();
  await insertMany(
    cluster.knex,
    'outbox',
    subjects.map((subject, i) => ({
      kind: 'test',
      case_id: null,
      to_address: `person${i}@example.org`,
      subject,
      text_body: `Body of ${subject}`,
      html_body: `<p>Body of ${subject}</p>`,
      ics: null,
      status: 'waiting',
      attempts: 0,
      next_attempt_at: 0,
      dedupe_key: `${run}:${i}`,
      created_at: at,
    })),
  );
  return subjects;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const FROM = ['Instance A <a@leep.test>', 'Instance B <b@leep.test>'];

describeCluster('The mail worker in two instances on one PostgreSQL [postgres, nginx]', function () {
  it("500 messages, one instance SIGKILLed mid-batch while it waits for the mail server: each message is delivered exactly once, and the dead instance's claims are taken over within seconds", async function () {
    this.timeout(180_000);
    let killing = false;
    let cluster!: Cluster;
    const smtp = await countingSmtp({
      decide: (from) => {
        if (from !== 'a@leep.test') return 'accept';
        // After A's 100th message, A's next messages are held unanswered and A is killed while it
        // waits (after 300 ms, so that what A was told was delivered is marked sent by then).
        if (!killing && (smtp.bySender.get('a@leep.test') ?? 0) >= 100) {
          killing = true;
          setTimeout(() => cluster.instances[0].child.kill('SIGKILL'), 300);
        }
        return killing ? 'hold' : 'accept';
      },
    });
    try {
      cluster = await startCluster({
        env: { SMTP_URL: smtp.url, MAIL_LEASE_MS: '2000', MAIL_POLL_MS: '200', MAIL_CONCURRENCY: '4' },
        perInstance: FROM.map((f) => ({ MAIL_FROM: f })),
      });
      const subjects = await queue(cluster, 500);
      await until('A was killed mid-batch', () => !cluster.instances[0].running(), 60_000);
      assert.ok(smtp.held() >= 1, 'A was killed while the mail server held at least one of its messages');
      await until('every message was delivered', () => subjects.every((s) => smtp.delivered.has(s)), 60_000);
      // Give a late duplicate the time to arrive (a lease and a few polls).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const twice = subjects.filter((s) => smtp.delivered.get(s) !== 1);
      assert.deepEqual(twice, [], 'no message delivered more than once');
      assert.equal(smtp.total(), 500);
      assert.ok((smtp.bySender.get('a@leep.test') ?? 0) >= 100 && (smtp.bySender.get('b@leep.test') ?? 0) >= 1, 'both instances sent');
      const rows = (await cluster.knex('outbox').whereIn('subject', subjects).groupBy('status').select('status').count({ n: '*' })) as {
        status: string;
        n: unknown;
      }[];
      assert.deepEqual(
        rows.map((r) => [r.status, Number(r.n)]),
        [['sent', 500]],
      );
    } finally {
      await cluster?.stop();
      await smtp.close();
    }
  });

  it('40 messages and a mail server that answers each after 7 s (longer than the 3 s lease, which the sender renews): two instances send each exactly once', async function () {
    this.timeout(180_000);
    const smtp = await countingSmtp({ delayMs: 7000 });
    let cluster: Cluster | undefined;
    try {
      cluster = await startCluster({
        env: { SMTP_URL: smtp.url, MAIL_LEASE_MS: '3000', MAIL_POLL_MS: '200', MAIL_CONCURRENCY: '10' },
        perInstance: FROM.map((f) => ({ MAIL_FROM: f })),
      });
      const subjects = await queue(cluster, 40);
      await until('every message was delivered', () => subjects.every((s) => smtp.delivered.has(s)), 90_000);
      // A message taken over after its lease ran out would arrive 7 s after its first copy.
      await new Promise((resolve) => setTimeout(resolve, 8000));
      assert.deepEqual(
        subjects.filter((s) => smtp.delivered.get(s) !== 1),
        [],
        'no message delivered more than once',
      );
      assert.equal(smtp.total(), 40);
      assert.ok((smtp.bySender.get('a@leep.test') ?? 0) >= 1 && (smtp.bySender.get('b@leep.test') ?? 0) >= 1, 'both instances sent');
      const rows = (await cluster.knex('outbox').whereIn('subject', subjects).groupBy('status').select('status').count({ n: '*' })) as {
        status: string;
        n: unknown;
      }[];
      assert.deepEqual(
        rows.map((r) => [r.status, Number(r.n)]),
        [['sent', 40]],
      );
    } finally {
      await cluster?.stop();
      await smtp.close();
    }
  });
});
