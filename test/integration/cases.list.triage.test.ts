// The triage list: new cases only, oldest first, those past the target flagged and counted, in pages.
import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase, pageLinks, staffClient } from '../helpers/cases';
import { DAY, daysAgo, rowsOf } from '../helpers/cases-list';

describeEachEngine('GET /cases/triage', (ctx) => {
  const { app } = testApp();

  it('GET /cases/triage, as a director, lists only new cases, oldest first, and flags those past the target', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const lead = await makeUser();
    const oldest = await makeCase(knex, { submittedAt: daysAgo(30) });
    const recent = await makeCase(knex, { submittedAt: new Date(Date.now() - 60_000) });
    const older = await makeCase(knex, { submittedAt: daysAgo(10) });
    const assigned = await makeCase(knex, { submittedAt: daysAgo(40), status: 'assigned', leadId: lead.id });
    const declined = await makeCase(knex, { submittedAt: daysAgo(50), status: 'declined' });

    const res = await director.get('/cases/triage');
    assert.equal(res.status, 200);
    const rows = rowsOf(res.text).map((r) => ({ ref: /data-label="Reference">([^<]+)</.exec(r)?.[1], overdue: /Overdue/.test(r) }));
    assert.deepEqual(rows, [
      { ref: oldest.reference, overdue: true },
      { ref: older.reference, overdue: true },
      { ref: recent.reference, overdue: false },
    ]);
    assert.doesNotMatch(res.text, new RegExp(assigned.reference));
    assert.doesNotMatch(res.text, new RegExp(declined.reference));
    assert.match(res.text, /2 requests are past the target/);
    assert.match(res.text, new RegExp(`href="/cases/${oldest.id}#assignment"`));
  });

  it('GET /cases/triage, with more than 25 new cases, pages them and counts every overdue one', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const waiting = Number((await knex('cases').where({ status: 'new' }).count({ n: '*' }))[0].n);
    const late = Number(
      (
        await knex('cases')
          .where({ status: 'new' })
          .andWhere('submitted_at', '<', new Date(Date.now() - 8 * DAY).toISOString())
          .count({ n: '*' })
      )[0].n,
    );
    // 27 more new cases, all waiting well past the target (20 to 46 days).
    for (let i = 0; i < 27; i += 1) await makeCase(knex, { submittedAt: daysAgo(20 + i) });
    const total = waiting + 27;
    const first = await director.get('/cases/triage');
    assert.equal(first.status, 200);
    assert.equal(rowsOf(first.text).length, 25);
    assert.match(first.text, new RegExp(`Showing 1–25 of ${total} new requests`));
    assert.match(first.text, new RegExp(`${late + 27} requests are past the target`));
    const next = pageLinks(first.text).next;
    assert.equal(next, '/cases/triage?page=2');
    const second = await director.get(next);
    assert.equal(rowsOf(second.text).length, total - 25);
    assert.equal(pageLinks(second.text).prev, '/cases/triage?page=1');
  });

  it('GET /cases/triage, once a case is assigned, no longer lists it', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const lead = await makeUser();
    const kase = await makeCase(knex);
    // The newest request is on the last page (a page past the last shows the last).
    assert.match((await director.get('/cases/triage?page=999')).text, new RegExp(kase.reference));
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    assert.doesNotMatch((await director.get('/cases/triage?page=999')).text, new RegExp(kase.reference));
  });
});
