// The staff API's write endpoints, given generated bodies, never fail with a 5xx and never write
// when they refuse.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { makeCase, storeEngagement } from '../helpers/engagements';

describeEachEngine('Staff API writes', (ctx) => {
  const { app, config, env, engagement } = apiWrites();

  it('the write endpoints, given generated bodies with a write token (valid bodies with fields replaced by any JSON), never answer 5xx, and a refusal stores nothing', async function () {
    this.timeout(120_000);
    const kase = await makeCase(config, { lead: env.consultant });
    const id = await storeEngagement(kase.id, env.director, { consultant_ids: [env.consultant.id] });
    const keys = [
      'date',
      'start_time',
      'duration_minutes',
      'format',
      'status',
      'consultant_ids',
      'participant_count',
      'jurisdictions',
      'attendees',
      'topics',
      'summary',
      'follow_up_date',
      'meeting_url',
      'body',
      'extra',
    ];
    const send = (method: 'post' | 'patch', path: string, body: unknown) => {
      const agent = request(app);
      return (method === 'post' ? agent.post(path) : agent.patch(path))
        .set('Authorization', `Bearer ${env.writeToken}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    };
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
        fc.boolean(),
        async (changes, whole) => {
          const body = whole ? changes : { ...engagement(), ...changes };
          for (const [method, path] of [
            ['post', `/api/v1/cases/${kase.reference}/engagements`],
            ['patch', `/api/v1/engagements/${id}`],
            ['post', `/api/v1/cases/${kase.reference}/notes`],
          ] as const) {
            const before = JSON.stringify(await ctx.db.knex('case_events').where({ case_id: kase.id }).count({ n: '*' }));
            const res = await send(method, path, body);
            assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
            if (res.status >= 400)
              assert.equal(
                JSON.stringify(await ctx.db.knex('case_events').where({ case_id: kase.id }).count({ n: '*' })),
                before,
                `${method} ${path} refused but wrote`,
              );
          }
        },
      ),
      { numRuns: 60, seed: 2026120519 },
    );
  });
});
