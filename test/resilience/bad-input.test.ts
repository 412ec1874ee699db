import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { encodeForm, testApp } from '../helpers/app';
import { Agent, freshAddress, makeUser, signInFrom, agentFrom } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';
import { digestQuery } from '../helpers/resilience-digest';
import { fillPath, formsOf, Pairs, registeredRoutes } from '../helpers/resilience-forms';
import { fuzzInput, send } from '../helpers/resilience-fuzz';

/** Fixed, so that a run can be repeated; a failure prints the seed and path to replay it. */
const SEED = 20261123;
const RUNS_PER_ROUTE = 32;
const TOTAL_AT_LEAST = 1000;

// Routes that end what later routes need run last: signing out ends the director's session.
const order = (path: string) => (path === '/logout' ? 2 : /delete|deactivate|revoke|cancel/.test(path) ? 1 : 0);

describeEachEngine('Bad input at every POST route (property-based)', (ctx) => {
  // Behind one trusted proxy, each agent has an address of its own, so that the sign-in brake
  // of one route's run does not refuse the next route's sign-in.
  const { app } = testApp({ TRUST_PROXY: '1' });
  const ids: Record<string, string> = {};
  const forms = new Map<string, Pairs>();
  let director: Awaited<ReturnType<typeof makeUser>>;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  before(async function () {
    this.timeout(60_000);
    process.on('unhandledRejection', onRejection);
    director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    const spare = await makeUser({ role: 'consultant' });
    const created = await request(app).post('/api/v1/requests').send(requestPayload());
    assert.equal(created.status, 201);
    ids.token = new URL(created.body.status_url).pathname.split('/').pop() as string;
    ids.status = ids.token;
    const caseId = Number((await ctx.db.knex('cases').where({ reference: created.body.reference }).first('id')).id);
    ids.cases = String(caseId);
    const d = await signInFrom(app, director, freshAddress());
    // Each token is read before its post is built: the agent attaches its cookies when it builds it.
    let csrf = await d.csrf(`/cases/${caseId}`);
    await d
      .post(`/cases/${caseId}/assignment`)
      .type('form')
      .send(encodeForm({ _csrf: csrf, lead_consultant_id: String(lead.id) }))
      .expect(303);
    csrf = await d.csrf(`/cases/${caseId}/engagements/new`);
    await d
      .post(`/cases/${caseId}/engagements`)
      .type('form')
      .send(
        encodeForm({
          _csrf: csrf,
          status: 'scheduled',
          date: '2031-05-01',
          start_time: '10:00',
          duration_minutes: '60',
          format: 'one_on_one',
          consultant_ids: [String(lead.id)],
          participant_count: '2',
          jurisdictions: ['OH'],
        }),
      )
      .expect(303);
    csrf = await d.csrf('/admin/tokens');
    await d
      .post('/admin/tokens')
      .type('form')
      .send(encodeForm({ _csrf: csrf, name: 'fuzz' }))
      .expect(201);
    ids.engagements = String((await ctx.db.knex('engagements').where({ case_id: caseId }).first('id')).id);
    ids.eid = ids.engagements;
    ids.users = String(spare.id);
    ids.tokens = String((await ctx.db.knex('api_tokens').orderBy('id', 'desc').first('id')).id);
    ids.outbox = String((await ctx.db.knex('outbox').orderBy('id', 'desc').first('id'))?.id ?? 1);

    // The real forms, as pages show them: their fields are the starting point of each body.
    const anonymous = agentFrom(app, freshAddress());
    for (const [method, path] of registeredRoutes(app)) {
      if (method !== 'GET' || /\.(csv|ics)$/.test(path) || path.startsWith('/api/')) continue;
      for (const agent of [d, anonymous] as Agent[]) {
        const res = await agent.get(fillPath(path, ids));
        if (res.status !== 200 || !/html/.test(res.type)) continue;
        for (const [action, pairs] of formsOf(res.text)) if (!forms.has(action)) forms.set(action, pairs);
      }
    }
    forms.set('/api/v1/requests', Object.entries(requestPayload()));
    // The staff API's writes have no page: their bodies start from what the API takes.
    ids.reference = created.body.reference;
    const engagement = {
      status: 'scheduled',
      date: '2031-05-02',
      duration_minutes: 60,
      format: 'one_on_one',
      consultant_ids: [lead.id],
      jurisdictions: ['OH'],
    };
    forms.set(`/api/v1/cases/${ids.reference}/engagements`, Object.entries(engagement));
    forms.set(`/api/v1/cases/${ids.reference}/notes`, [['body', 'A note']]);
    forms.set(`/api/v1/engagements/${ids.engagements}/cancel`, []);
  });

  after(() => {
    process.off('unhandledRejection', onRejection);
  });

  it(`every POST route, given ${RUNS_PER_ROUTE} generated bodies each (${TOTAL_AT_LEAST} or more in all): wrong types, huge, deep, unicode, prototype keys, doubled fields, wrong content types; never a 5xx, and a refused request stores nothing`, async function () {
    this.timeout(300_000);
    const posts = registeredRoutes(app)
      .filter(([m]) => m === 'POST')
      .map(([, path]) => path)
      .sort((a, b) => order(a) - order(b));
    assert.ok(posts.length >= 20, `${posts.length} POST routes found`);
    const digest = await digestQuery(ctx.db.knex);
    const sent = new Map<string, number>();
    const statuses = new Map<number, number>();
    const withoutForm: string[] = [];
    const failures: string[] = [];

    for (const [i, route] of posts.entries()) {
      const path = fillPath(route, ids);
      const base = forms.get(path) ?? [];
      if (!forms.has(path)) withoutForm.push(route);
      // A session of its own per route, from an address of its own.
      const agent = await signInFrom(app, director, freshAddress());
      const token = await agent.csrf();
      let stored = await digest();
      try {
        await fc.assert(
          fc.asyncProperty(fuzzInput(base), async (input) => {
            const res = await send(agent, path, input, token);
            sent.set(route, (sent.get(route) ?? 0) + 1);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500) throw new Error(`POST ${path} answered ${res.status}`);
            const now = await digest();
            if (res.status >= 400 && now !== stored) {
              const changed = now.split(' ').filter((part) => !stored.split(' ').includes(part));
              throw new Error(`POST ${path} answered ${res.status} but changed the database: ${changed.join(' ')}`);
            }
            stored = now;
          }),
          { numRuns: RUNS_PER_ROUTE, seed: SEED + i, endOnFailure: true },
        );
      } catch (err) {
        // fast-check's message carries the seed and path that replay this exact case; the cause is what went wrong.
        const cause = (err as Error & { cause?: Error }).cause;
        const shorten = (text: string) => text.replace(/(.)\1{40,}/g, (run, c: string) => `${c.repeat(8)}…(${run.length} × "${c}")`);
        // Every route is still tried, so that one run lists every route that fails.
        failures.push(
          shorten(
            `POST ${route} (route ${i}, seed ${SEED + i}): ${cause ? `${cause.message.slice(0, 300)}\n` : ''}${(err as Error).message}`,
          ),
        );
      }
    }
    assert.equal(failures.length, 0, failures.join('\n\n'));

    const total = [...sent.values()].reduce((a, b) => a + b, 0);
    if (process.env.FUZZ_REPORT)
      console.log({
        total,
        routes: posts.length,
        statuses: [...statuses].sort((a, b) => a[0] - b[0]),
        withoutForm,
        forms: [...forms].map(([a, p]) => `${a}: ${p.map(([k]) => k).join(',')}`),
      });
    assert.ok(total >= TOTAL_AT_LEAST, `${total} bodies sent`);
    assert.deepEqual(
      posts.filter((r) => (sent.get(r) ?? 0) < RUNS_PER_ROUTE),
      [],
      'every POST route got its share',
    );
    // The bodies reached past the guards too: some were refused by validation, some accepted.
    assert.ok((statuses.get(422) ?? 0) + (statuses.get(400) ?? 0) > 100, `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok(
      [...statuses.keys()].some((s) => s < 400),
      `statuses: ${JSON.stringify([...statuses])}`,
    );
    assert.ok(withoutForm.length < posts.length / 2, `forms found for most routes; none for ${withoutForm.join(', ')}`);
    assert.equal((await request(app).get('/healthz')).status, 200, 'the app still answers');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });
});
