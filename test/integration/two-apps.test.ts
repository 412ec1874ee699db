// Issue 18: two apps made in one process (as tests make them) share neither their database nor
// their settings, even when their requests run at the same moments.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { Transporter } from 'nodemailer';
import request from 'supertest';
import { createApp } from '../../server/app';
import { Config, loadConfig } from '../../server/config';
import { withApp } from '../../server/context';
import { startMailWorker } from '../../server/services/mail.worker';
import { programTimeZone } from '../../server/services/time';
import { makeUser, signInAs } from '../helpers/auth';
import { engines, freshDatabase, TestDatabase } from '../helpers/db';
import { requestPayload } from '../helpers/factories';

interface Side {
  name: 'A' | 'B';
  db: TestDatabase;
  config: Readonly<Config>;
  app: Express;
}

const SETTINGS = {
  A: { PUBLIC_URL: 'http://a.leep.test', TIME_ZONE: 'America/Chicago', RESPONSE_TARGET_DAYS: '5', MAIL_FROM: 'LEEP A <leep@a.leep.test>' },
  B: { PUBLIC_URL: 'http://b.leep.test', TIME_ZONE: 'Pacific/Honolulu', RESPONSE_TARGET_DAYS: '9', MAIL_FROM: 'LEEP B <leep@b.leep.test>' },
};

for (const engine of engines()) {
  describe(`Two apps in one process, each with its own database and settings [${engine}]`, function () {
    this.timeout(60_000);
    const sides = {} as Record<'A' | 'B', Side>;
    // The process's database (the last one a test made): an app bound to its own never falls back to it.
    let processDb: TestDatabase;

    before(async () => {
      for (const name of ['A', 'B'] as const) {
        const db = await freshDatabase(engine);
        const config = loadConfig({ NODE_ENV: 'test', INTAKE_RATE_LIMIT: '100000', RECEIPTS_PER_DAY: '1000', ...SETTINGS[name] });
        sides[name] = { name, db, config, app: createApp(config, { database: () => db.knex }) };
      }
      processDb = await freshDatabase(engine);
    });

    after(async () => {
      for (const db of [sides.A?.db, sides.B?.db, processDb]) await db?.destroy();
    });

    /** Submits a request to one app through the API; the title names the app. */
    async function submit(side: Side, title: string): Promise<{ reference: string; status_url: string }> {
      const res = await request(side.app)
        .post('/api/v1/requests')
        .send(requestPayload({ title, email: `asker.${side.name}@example.org` }));
      assert.equal(res.status, 201, res.text);
      return res.body as { reference: string; status_url: string };
    }

    it("POST /api/v1/requests, to both apps at the same moments, stores each request in its own app's database only, and none in the process's", async () => {
      const titles = (name: string) => [1, 2, 3].map((i) => `Request ${i} for app ${name}`);
      await Promise.all([...titles('A').map((t) => submit(sides.A, t)), ...titles('B').map((t) => submit(sides.B, t))]);
      for (const side of [sides.A, sides.B]) {
        const stored = await side.db.knex('cases').whereLike('title', 'Request % for app %').orderBy('title').pluck('title');
        assert.deepEqual(stored, titles(side.name));
      }
      assert.equal(Number((await processDb.knex('cases').count({ n: '*' }))[0].n), 0);
    });

    it('POST /api/v1/requests, to each app, answers with a status link on its own PUBLIC_URL and queues a receipt with its own link and response target', async () => {
      for (const side of [sides.A, sides.B]) {
        const made = await submit(side, `Receipt check for app ${side.name}`);
        assert.ok(made.status_url.startsWith(`${side.config.publicUrl}/status/`), made.status_url);
        const kase = await side.db
          .knex('cases')
          .where({ reference: made.reference, title: `Receipt check for app ${side.name}` })
          .first('id');
        const receipt = await side.db.knex('outbox').where({ case_id: kase.id, kind: 'request-received' }).first();
        assert.ok(receipt.text_body.includes(made.status_url), receipt.text_body);
        assert.match(receipt.text_body, new RegExp(`usually within ${side.config.responseTargetBusinessDays} business days`));
      }
      // No message of either app carries the other's address.
      assert.equal(await sides.A.db.knex('outbox').whereLike('text_body', '%b.leep.test%').first('id'), undefined);
      assert.equal(await sides.B.db.knex('outbox').whereLike('text_body', '%a.leep.test%').first('id'), undefined);
    });

    it("GET /cases, for a director of each app, lists that app's requests and none of the other's; the other app does not know the director", async () => {
      const directors = {
        A: await withApp({ database: sides.A.db.knex }, () => makeUser({ role: 'director' })),
        B: await withApp({ database: sides.B.db.knex }, () => makeUser({ role: 'director' })),
      };
      for (const [mine, other] of [
        [sides.A, sides.B],
        [sides.B, sides.A],
      ]) {
        const agent = await signInAs(mine.app, directors[mine.name]);
        const list = await agent.get('/cases').expect(200);
        assert.match(list.text, new RegExp(`Request 1 for app ${mine.name}`));
        assert.doesNotMatch(list.text, new RegExp(`for app ${other.name}`));
        await assert.rejects(signInAs(other.app, directors[mine.name]), /sign-in failed/);
      }
    });

    it("the mail worker of each app, run from outside any app, sends its own app's outbox and leaves the other's waiting", async () => {
      for (const [mine, other] of [
        [sides.A, sides.B],
        [sides.B, sides.A],
      ]) {
        const waitingElsewhere = await other.db.knex('outbox').where({ status: 'waiting' }).count({ n: '*' });
        const sent: { to?: string; text?: string }[] = [];
        const transport = {
          sendMail: async (m: { to?: string; text?: string }) => (sent.push(m), {}),
          close: () => undefined,
        } as unknown as Transporter;
        const worker = withApp({ database: mine.db.knex, config: mine.config }, () =>
          startMailWorker(mine.config, { transport, intervalMs: 60_000 }),
        );
        try {
          while ((await worker.runOnce()) > 0);
        } finally {
          await worker.stop();
        }
        assert.ok(sent.length > 0, 'nothing was sent');
        assert.ok(
          sent.every((m) => m.text?.includes(mine.config.publicUrl)),
          'a message of the other app was sent',
        );
        assert.equal(await mine.db.knex('outbox').whereNot({ status: 'sent' }).first('id'), undefined);
        assert.deepEqual(await other.db.knex('outbox').where({ status: 'waiting' }).count({ n: '*' }), waitingElsewhere);
      }
    });

    it("programTimeZone, in work bound to each app and running at the same moments, is that app's TIME_ZONE; outside any app, the default", async () => {
      const seen = await Promise.all(
        [sides.A, sides.B, sides.A, sides.B].map((side, i) =>
          withApp({ database: side.db.knex, config: side.config }, async () => {
            await new Promise((resolve) => setTimeout(resolve, 20 - i * 5));
            return programTimeZone();
          }),
        ),
      );
      assert.deepEqual(seen, ['America/Chicago', 'Pacific/Honolulu', 'America/Chicago', 'Pacific/Honolulu']);
      assert.equal(programTimeZone(), 'America/New_York');
    });
  });
}
