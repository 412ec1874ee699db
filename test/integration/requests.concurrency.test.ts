import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { requestPayload } from '../helpers/factories';
import { intakeSnapshot, lastReferenceNumber } from '../helpers/store';
import { yearIn } from '../../server/services/request.service';

const N = 300;

describeEachEngine('Reference numbers under concurrent submissions', (ctx) => {
  const { app, config } = testApp(); // INTAKE_RATE_LIMIT is raised to 100000 for tests
  let server: http.Server;

  before((done) => {
    // One listening server for all the requests, rather than one per supertest call.
    server = http.createServer(app).listen(0, '127.0.0.1', done);
  });
  after((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

  it(`POST /api/v1/requests, ${N} times in parallel, creates ${N} cases with ${N} distinct consecutive references and no error`, async function () {
    this.timeout(60_000);
    const year = yearIn(config.timeZone, new Date());
    const first = (await lastReferenceNumber(ctx.db.knex, year)) + 1;
    assert.equal(first, 1, 'this file has a fresh database, so the year starts at 0001');
    const before = await intakeSnapshot(ctx.db.knex);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        request(url)
          .post('/api/v1/requests')
          .send(requestPayload({ title: `Parallel request ${i}` })),
      ),
    );

    const failures = answers.filter((res) => res.status !== 201).map((res) => `${res.status} ${res.text}`);
    assert.deepEqual(failures, [], 'every submission answers 201');
    const references = answers.map((res) => res.body.reference as string).sort();
    const expected = Array.from({ length: N }, (_, i) => `TA-${year}-${String(first + i).padStart(4, '0')}`);
    assert.deepEqual(references, expected);
    assert.equal(new Set(answers.map((res) => res.body.status_url)).size, N, 'each case has its own status link');

    const after = await intakeSnapshot(ctx.db.knex);
    assert.equal(after.cases, before.cases + N);
    assert.equal(after.case_events, before.case_events + N);
    assert.equal(after.case_topics, before.case_topics + N * (requestPayload().topics as string[]).length);
    assert.equal(await lastReferenceNumber(ctx.db.knex, year), first + N - 1);
    const stored = await ctx.db.knex('cases').whereIn('reference', expected).select('reference', 'title');
    assert.equal(stored.length, N);
    // Each answer's reference belongs to the request that got it.
    const titleOf = new Map(stored.map((r) => [r.reference, r.title]));
    answers.forEach((res, i) => assert.equal(titleOf.get(res.body.reference), `Parallel request ${i}`));
  });
});
