// Lists read with the staff API's tokens: the page size and unknown fields are checked, and Link
// headers lead to the other pages with the filters kept.
import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { apiWrites } from '../helpers/api-write';
import { daysFromToday, makeCase, storeEngagement } from '../helpers/engagements';

describeEachEngine('Staff API writes', () => {
  const { app, config, env } = apiWrites();

  it('GET /api/v1/cases?per_page=500 answers 400 naming per_page with its range; per_page=abc says it must be a whole number', async () => {
    const big = await request(app).get('/api/v1/cases?per_page=500').set('Authorization', `Bearer ${env.readToken}`);
    assert.equal(big.status, 400);
    assert.deepEqual(big.body.errors, [{ field: 'per_page', message: 'per_page must be between 1 and 200' }]);
    const word = await request(app).get('/api/v1/cases?per_page=abc').set('Authorization', `Bearer ${env.readToken}`);
    assert.deepEqual(word.body.errors, [{ field: 'per_page', message: 'per_page must be a whole number' }]);
    const unknown = await request(app).get('/api/v1/cases?colour=blue').set('Authorization', `Bearer ${env.readToken}`);
    assert.deepEqual(unknown.body.errors, [{ field: 'colour', message: 'colour is not a recognised field' }]);
  });

  it('GET /api/v1/engagements gives Link headers to the first, next and last pages, keeping the filters', async () => {
    const kase = await makeCase(config, { lead: env.consultant });
    for (let i = 0; i < 3; i += 1)
      await storeEngagement(kase.id, env.director, {
        consultant_ids: [env.consultant.id],
        status: 'delivered',
        date: daysFromToday(-5 - i),
        participant_count: 3,
        summary: 'Done',
      });
    const res = await request(app).get('/api/v1/engagements?per_page=1&track=ta').set('Authorization', `Bearer ${env.readToken}`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.total >= 3);
    const link = String(res.headers.link);
    assert.match(link, /<\/api\/v1\/engagements\?per_page=1&track=ta&page=2>; rel="next"/);
    assert.match(link, /rel="first"/);
    assert.match(link, new RegExp(`page=${res.body.total}>; rel="last"`));
    assert.doesNotMatch(link, /rel="prev"/);
  });
});
