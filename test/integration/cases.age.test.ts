import assert from 'node:assert/strict';
import { caseListPage, parseListQuery } from '../../server/services/case-view.service';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';

describeEachEngine('Case ages in business days', (t) => {
  const { app, config } = testApp();
  let open: number;
  let closed: number;
  let director: { id: number; role: 'director' };

  before(async () => {
    const d = await makeUser({ role: 'director' });
    director = { id: d.id, role: 'director' };
    open = (await makeCase(config, { title: 'Still open' })).id;
    closed = (await makeCase(config, { title: 'Closed early' })).id;
    // Both submitted on Monday 2026-10-05 (10 am in New York); one declined on Friday 2026-10-09.
    await t.db.knex('cases').whereIn('id', [open, closed]).update({ submitted_at: '2026-10-05T14:00:00.000Z' });
    await t.db
      .knex('cases')
      .where({ id: closed })
      .update({ status: 'declined', closed_at: '2026-10-09T19:00:00.000Z', closing_reason: 'Out of scope' });
  });

  it('caseListPage, for an open case, counts business days to now without weekends and Columbus Day', async () => {
    const now = new Date('2026-10-20T15:00:00.000Z');
    const page = await caseListPage(parseListQuery({}, director, config, now), config, now);
    // Oct 6-9, 13-16 (the 12th is Columbus Day), 19 and 20.
    assert.equal(page.rows.find((r) => r.id === open)?.ageDays, 10);
  });

  it('caseListPage, for a closed case, stops counting at the day it was closed', async () => {
    for (const now of [new Date('2026-10-20T15:00:00.000Z'), new Date('2027-03-01T15:00:00.000Z')]) {
      const page = await caseListPage(parseListQuery({}, director, config, now), config, now);
      assert.equal(page.rows.find((r) => r.id === closed)?.ageDays, 4, now.toISOString());
    }
  });

  it("GET /cases, as a director, shows the closed case's age as of its closing", async () => {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const res = await agent.get('/cases?status=declined');
    assert.equal(res.status, 200);
    assert.match(res.text, /\(4 business days\)/);
  });
});
