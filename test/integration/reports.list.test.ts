import assert from 'node:assert/strict';
import { filterParams, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { decodeHtml } from '../helpers/html';
import { Raw, RawEngagement, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { calendarDate, readEngagementList } from '../helpers/reports-pages';
import { deliveredIn } from '../helpers/reports-recount';

const SHAPE: Shape = {
  seed: 77,
  cases: 45,
  engagements: 190,
  consultants: 4,
  codes: ['OH', 'OH', 'KY', 'DC', 'PR'],
  extraCodes: ['OH', 'VI', 'MI'],
  multi: 0.4,
  cancelled: 0.1,
  scheduled: 0.1,
  from: '2016-06-01',
  now: '2025-10-01T15:00:00.000Z',
};
const PER_PAGE = 50;

const filtersOf = (query: Record<string, string>) => parseReportFilters(query, 'America/New_York').filters;
const newestFirst = (a: RawEngagement, b: RawEngagement) => (a.date > b.date ? -1 : a.date < b.date ? 1 : b.id - a.id);

describeEachEngine('The delivered-engagements list on generated data', (ctx) => {
  let raw: Raw;
  let agent: Agent;

  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, SHAPE);
    raw = await loadRaw(ctx.db.knex);
    const { app } = testApp();
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  it('GET /reports/engagements, with the default period, shows the recount’s total and, page by page through its Next links, every delivered engagement newest first', async () => {
    const expected = deliveredIn(raw, filtersOf({})).sort(newestFirst);
    assert.ok(expected.length > 2 * PER_PAGE, 'the data fills more than two pages');
    const pages = Math.ceil(expected.length / PER_PAGE);
    const seen: { date: string; caseId: number }[] = [];
    let href: string | undefined = '/reports/engagements';
    for (let page = 1; href; page += 1) {
      const res = await agent.get(href);
      assert.equal(res.status, 200);
      const shown = readEngagementList(res.text);
      assert.equal(shown.total, expected.length);
      assert.equal(shown.page, page);
      assert.equal(shown.pages, pages);
      assert.equal(shown.rows.length, page < pages ? PER_PAGE : expected.length - PER_PAGE * (pages - 1));
      seen.push(...shown.rows.map((r) => ({ date: r.date, caseId: r.caseId })));
      href = shown.nextHref;
      assert.ok(page <= pages, 'the Next link stops at the last page');
    }
    assert.deepStrictEqual(
      seen,
      expected.map((e) => ({ date: calendarDate(e.date), caseId: e.case_id })),
    );
  });

  it('GET /reports/engagements, filtered by jurisdiction and period, shows the recount’s total, and its Next link keeps the filters', async () => {
    const query = { jurisdiction: 'OH', from: '2017-03-01', to: '2025-06-30' };
    const f = filtersOf(query);
    const expected = deliveredIn(raw, f).sort(newestFirst);
    assert.ok(expected.length > PER_PAGE, 'the filter still fills more than one page');
    const first = readEngagementList((await agent.get(`/reports/engagements?${filterParams(f)}`).expect(200)).text);
    assert.equal(first.total, expected.length);
    assert.ok(first.nextHref);
    const next = new URL(first.nextHref, 'http://leep.test').searchParams;
    assert.deepStrictEqual(
      { jurisdiction: next.get('jurisdiction'), from: next.get('from'), to: next.get('to'), page: next.get('page') },
      { ...query, page: '2' },
    );
    const second = readEngagementList((await agent.get(first.nextHref).expect(200)).text);
    assert.deepStrictEqual(
      [...first.rows, ...second.rows].map((r) => r.caseId),
      expected.slice(0, first.rows.length + second.rows.length).map((e) => e.case_id),
    );
  });

  it('GET /reports/engagements, filtered by track and format, shows the recount’s total', async () => {
    const f = filtersOf({ track: 'ta', format: 'one_on_one' });
    const expected = deliveredIn(raw, f);
    assert.ok(expected.length > 0);
    const shown = readEngagementList((await agent.get(`/reports/engagements?${filterParams(f)}`).expect(200)).text);
    assert.equal(shown.total, expected.length);
    assert.equal(shown.rows.length, Math.min(PER_PAGE, expected.length));
  });

  it('GET /reports/engagements?page=999, past the last page, shows the last page', async () => {
    const expected = deliveredIn(raw, filtersOf({}));
    const pages = Math.ceil(expected.length / PER_PAGE);
    const shown = readEngagementList((await agent.get('/reports/engagements?page=999').expect(200)).text);
    assert.equal(shown.page, pages);
    assert.equal(shown.rows.length, expected.length - PER_PAGE * (pages - 1));
  });

  it('GET /reports/engagements, over a period with no delivered engagement, says none match', async () => {
    const res = await agent.get('/reports/engagements?from=2010-01-01&to=2010-12-31').expect(200);
    const shown = readEngagementList(res.text);
    assert.equal(shown.total, 0);
    assert.equal(shown.rows.length, 0);
    assert.match(res.text, /No delivered engagements match\./);
  });
});

describeEachEngine('Dashboard figures and the lists behind them', (ctx) => {
  let agent: Agent;
  let consultant: number;

  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, { ...SHAPE, seed: 78, engagements: 120 });
    const raw = await loadRaw(ctx.db.knex);
    consultant = [...new Set(raw.engagements.flatMap((e) => e.consultants))].sort((a, b) => a - b)[0];
    const { app } = testApp();
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  const QUERIES: { name: string; query: () => string }[] = [
    { name: 'with the default period', query: () => '' },
    { name: 'over 2019-07-01 to 2021-03-15', query: () => 'from=2019-07-01&to=2021-03-15' },
    { name: 'by track and format', query: () => 'track=network&format=small_group' },
    { name: 'by topic and consultant', query: () => `topic=equity-lens&consultant=${consultant}` },
    { name: 'by jurisdiction and period', query: () => 'jurisdiction=OH&from=2018-01-01&to=2023-12-31' },
  ];

  it('GET /dashboard, filtered by topic, links only that topic’s row of the topic breakdown, as the other rows count engagements listing both', async () => {
    const html = (await agent.get('/dashboard?topic=equity-lens').expect(200)).text;
    const table = /<caption>By topic[^<]*<\/caption>([\s\S]*?)<\/tbody>/.exec(html);
    assert.ok(table);
    const rows = [
      ...table[1].matchAll(
        /<tr><th scope="row"(?: data-label="[^"]*")?>([^<]*)<\/th><td(?: data-label="[^"]*")? class="text-right">(<a href="([^"]*)">)?([\d,]+)/g,
      ),
    ].map((m) => ({ topic: m[1], href: m[3] ? decodeHtml(m[3]) : undefined }));
    assert.ok(rows.length >= 2, 'the filtered engagements list other topics too');
    const linked = rows.filter((r) => r.href);
    assert.equal(linked.length, 1);
    assert.match(linked[0].href as string, /[?&]topic=equity-lens(&|$)/);
  });

  for (const q of QUERIES) {
    it(`GET /dashboard, filtered ${q.name}, links every figure to a list of exactly that many engagements`, async () => {
      const html = (await agent.get(`/dashboard?${q.query()}`).expect(200)).text;
      const links = [...html.matchAll(/<a href="(\/reports\/engagements\?[^"]*)">([\d,]+)<\/a>/g)].map((m) => ({
        href: decodeHtml(m[1]),
        figure: Number(m[2].replace(/,/g, '')),
      }));
      assert.ok(links.length >= 8, `${links.length} links`);
      for (const link of links) {
        const shown = readEngagementList((await agent.get(link.href).expect(200)).text);
        assert.equal(shown.total, link.figure, link.href);
      }
    });
  }
});
