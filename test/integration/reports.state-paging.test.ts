import assert from 'node:assert/strict';
import { insertMany } from '../../server/db-sql';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase } from '../helpers/engagements';
import { readStatePage } from '../helpers/reports-pages';

/** The engagements and the cases of a state page are paged each on its own (100 rows a page). */
describeEachEngine('State page paging', (t) => {
  const { app, config } = testApp();
  let agent: Agent;
  const caseIds: number[] = [];

  before(async function () {
    this.timeout(60_000);
    const director = await makeUser({ role: 'director' });
    const lead = await makeUser({ role: 'consultant' });
    for (let i = 0; i < 3; i += 1) caseIds.push((await makeCase(config, { lead, director, jurisdiction: 'WY' })).id);
    const at = new Date().toISOString();
    // 230 engagements listing Wyoming: three pages of them, and one page of its three cases.
    const rows = Array.from({ length: 230 }, (_, i) => {
      const date = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
      return {
        case_id: caseIds[i % 3],
        date,
        start_time: null,
        year: 2020,
        month: Number(date.slice(5, 7)),
        duration_minutes: 60,
        format: 'one_on_one',
        status: 'delivered',
        participant_count: 2,
        summary: 'Met.',
        follow_up_actions: null,
        follow_up_date: null,
        created_by: lead.id,
        created_at: at,
        updated_at: at,
      };
    });
    await insertMany(t.db.knex, 'engagements', rows);
    const ids = (await t.db.knex('engagements').whereIn('case_id', caseIds).orderBy('date').select('id', 'date')) as {
      id: number;
      date: string;
    }[];
    await insertMany(
      t.db.knex,
      'engagement_jurisdictions',
      ids.map((e) => ({ engagement_id: e.id, jurisdiction_code: 'WY', status: 'delivered', date: e.date, year: 2020 })),
    );
    agent = await signInAs(app, director);
  });

  it('GET /states/WY?engagements_page=2, as a director, shows the second page of engagements and still every case', async () => {
    const res = await agent.get('/states/WY?engagements_page=2');
    assert.equal(res.status, 200);
    const shown = readStatePage(res.text);
    assert.equal(shown.engagements.length, 100);
    assert.match(res.text, /Engagements <span[^>]*>\(230, page 2 of 3\)/);
    assert.deepEqual(
      shown.cases.map((c) => c.id).sort((a, b) => a - b),
      [...caseIds].sort((a, b) => a - b),
    );
    assert.doesNotMatch(res.text, /No cases yet/);
    assert.doesNotMatch(res.text, /Cases <span[^>]*>\(3, page/);
  });

  it('GET /states/WY?engagements_page=3, as a director, shows the last 30 engagements, and its links keep each list apart', async () => {
    const res = await agent.get('/states/WY?engagements_page=3');
    const shown = readStatePage(res.text);
    assert.equal(shown.engagements.length, 30);
    assert.match(
      res.text,
      /<nav aria-label="Pages of the engagements"[\s\S]*?href="\/states\/WY\?engagements_page(=|&#x3D;)2#engagements"/,
    );
    assert.doesNotMatch(res.text, /aria-label="Pages of the cases"/, 'one page of cases has no pager');
  });

  it("GET /states/WY?cases_page=5, a page past the cases' end, shows the first page of each list", async () => {
    const res = await agent.get('/states/WY?cases_page=5');
    const shown = readStatePage(res.text);
    assert.equal(shown.cases.length, 3);
    assert.equal(shown.engagements.length, 100);
    assert.match(res.text, /\(230, page 1 of 3\)/);
  });

  it('GET /states/WY pages 1 to 3, taken together, show each engagement exactly once', async () => {
    const seen: string[] = [];
    for (const p of [1, 2, 3]) {
      const shown = readStatePage((await agent.get(`/states/WY?engagements_page=${p}`)).text);
      seen.push(...shown.engagements.map((e) => `${e.caseId}|${e.date}`));
    }
    assert.equal(seen.length, 230);
    assert.equal(new Set(seen).size, 230);
  });
});
