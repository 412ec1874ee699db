import assert from 'node:assert/strict';
import request from 'supertest';
import type { ReportFilters } from '../../server/queries/report.queries';
import { dashboardFigures, filterParams } from '../../server/services/report.service';
import { createApiToken } from '../../server/services/token.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { calendarDate, readDashboard } from '../helpers/reports-pages';
import { casesIn, deliveredIn, recountCoverage } from '../helpers/reports-recount';

const SHAPE: Shape = {
  seed: 41,
  cases: 70,
  engagements: 280,
  consultants: 5,
  codes: ['OH', 'KY', 'MI', 'DC', 'NV', 'PR', 'GU', 'CA'],
  extraCodes: ['VI', 'NM', 'MA', 'DC', 'PR', 'OH', 'WA'],
  neverServedCodes: ['WY', 'VT'],
  multi: 0.35,
  cancelled: 0.12,
  scheduled: 0.1,
  from: '2017-01-01',
  now: '2025-06-30T15:00:00.000Z',
};

describeEachEngine('Staff API on generated data', (ctx) => {
  const { app, config } = testApp();
  let raw: Raw;
  let consultants: number[];
  let agent: Agent;

  before(async function () {
    this.timeout(60_000);
    ({ consultantIds: consultants } = await generateReportData(ctx.db.knex, SHAPE));
    raw = await loadRaw(ctx.db.knex);
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  /** A fresh director's token, made as the tokens page makes it. */
  async function token(): Promise<string> {
    const director = await makeUser({ role: 'director' });
    return (await createApiToken(director, 'Report workbook')).token;
  }
  const get = async (path: string, bearer?: string) =>
    request(app)
      .get(path)
      .set('Authorization', `Bearer ${bearer ?? (await token())}`);

  /** Every page of a paged endpoint, in order. */
  async function allPages(path: string, query: string, perPage: number) {
    const bearer = await token();
    const pages: { data: Record<string, unknown>[]; page: number; per_page: number; total: number }[] = [];
    for (let page = 1; page < 100; page += 1) {
      const res = await get(`${path}?${query}${query ? '&' : ''}per_page=${perPage}&page=${page}`, bearer);
      assert.equal(res.status, 200, res.text);
      pages.push(res.body);
      if (res.body.data.length < perPage) break;
    }
    return pages;
  }

  // ---------------------------------------------------------------------------------------------
  // Paging.

  for (const q of [
    { name: 'with the default period', query: '', perPage: 7 },
    { name: 'filtered by period, track and jurisdiction', query: 'from=2017-05-01&to=2025-03-31&track=ta&jurisdiction=oh', perPage: 2 },
  ]) {
    it(`GET /api/v1/cases, ${q.name} and paged ${q.perPage} at a time, gives every case of the recount once, newest first, with the right total on each page`, async () => {
      const pages = await allPages('/api/v1/cases', q.query, q.perPage);
      const f = pages[0] as unknown as { filters: ReportFilters };
      const expected = casesIn(raw, f.filters);
      assert.ok(expected.length > q.perPage, `more than one page: ${expected.length}`);
      assert.equal(pages.length, Math.floor(expected.length / q.perPage) + 1);
      for (const [i, p] of pages.entries()) {
        assert.equal(p.page, i + 1);
        assert.equal(p.per_page, q.perPage);
        assert.equal(p.total, expected.length);
        assert.equal(p.data.length, i < pages.length - 1 ? q.perPage : expected.length % q.perPage);
      }
      const listed = pages.flatMap((p) => p.data);
      assert.deepStrictEqual(
        listed.map((c) => c.reference),
        [...expected].sort((a, b) => b.submitted - a.submitted || b.id - a.id).map((c) => c.reference),
      );
      for (let i = 1; i < listed.length; i += 1)
        assert.ok(String(listed[i - 1].submitted_at) >= String(listed[i].submitted_at), 'newest first');
    });
  }

  it('GET /api/v1/cases gives each case its stored fields', async () => {
    const res = await get('/api/v1/cases?per_page=200');
    assert.equal(res.status, 200);
    const [sample] = res.body.data;
    const row = await ctx.db.knex('cases').where({ reference: sample.reference }).first();
    const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
    assert.deepStrictEqual(
      {
        track: sample.track,
        status: sample.status,
        priority: sample.priority,
        source: sample.source,
        jurisdiction: sample.jurisdiction,
        title: sample.title,
        submitted_at: sample.submitted_at,
        closed_at: sample.closed_at,
      },
      {
        track: row.track,
        status: row.status,
        priority: row.priority,
        source: row.source,
        jurisdiction: row.jurisdiction_code,
        title: row.title,
        submitted_at: iso(row.submitted_at),
        closed_at: iso(row.closed_at),
      },
    );
  });

  for (const q of [
    { name: 'with the default period', query: '' },
    { name: 'filtered by format and a period', query: 'format=small_group&from=2019-01-01&to=2024-06-30' },
    { name: 'filtered by a territory', query: 'jurisdiction=PR' },
  ]) {
    it(`GET /api/v1/engagements, ${q.name} and paged 25 at a time, gives every delivered engagement of the recount once, and none scheduled or cancelled`, async () => {
      const pages = await allPages('/api/v1/engagements', q.query, 25);
      const f = (pages[0] as unknown as { filters: ReportFilters }).filters;
      const expected = deliveredIn(raw, f);
      assert.ok(expected.length > 25, 'more than one page');
      for (const p of pages) assert.equal(p.total, expected.length);
      const listed = pages.flatMap((p) => p.data);
      assert.equal(listed.length, expected.length);
      assert.deepStrictEqual(
        listed.map((e) => e.id).sort((a, b) => Number(a) - Number(b)),
        expected.map((e) => e.id).sort((a, b) => a - b),
      );
      const byId = new Map(expected.map((e) => [e.id, e]));
      for (const e of listed) {
        const want = byId.get(Number(e.id));
        assert.ok(want);
        assert.equal(e.status, 'delivered');
        assert.deepStrictEqual(
          {
            date: e.date,
            duration_minutes: e.duration_minutes,
            participant_count: e.participant_count,
            format: e.format,
            jurisdictions: [...(e.jurisdictions as string[])].sort(),
          },
          {
            date: want.date,
            duration_minutes: want.minutes,
            participant_count: want.participants,
            format: want.format,
            jurisdictions: [...want.jurisdictions].sort(),
          },
        );
      }
    });
  }

  it('GET /api/v1/engagements, without paging values, answers page 1 of 50', async () => {
    const res = await get('/api/v1/engagements');
    assert.equal(res.status, 200);
    assert.equal(res.body.page, 1);
    assert.equal(res.body.per_page, 50);
    assert.equal(res.body.data.length, 50);
    assert.ok(res.body.total > 50);
  });

  it('GET /api/v1/engagements, with per_page=200 (the most) and a page past the end, answers 200 with an empty page and the total', async () => {
    const bearer = await token();
    const full = await get('/api/v1/engagements?per_page=200', bearer);
    assert.equal(full.status, 200);
    assert.equal(full.body.data.length, Math.min(200, full.body.total));
    const past = await get(`/api/v1/engagements?per_page=200&page=${Math.ceil(full.body.total / 200) + 1}`, bearer);
    assert.equal(past.status, 200);
    assert.deepStrictEqual(past.body.data, []);
    assert.equal(past.body.total, full.body.total);
  });

  // ---------------------------------------------------------------------------------------------
  // Bad query values.

  const bad: { query: string; field: string; message?: RegExp }[] = [
    { query: 'per_page=500', field: 'per_page' },
    { query: 'per_page=201', field: 'per_page' },
    { query: 'per_page=0', field: 'per_page' },
    { query: 'page=0', field: 'page' },
    { query: 'page=-1', field: 'page' },
    { query: 'page=two', field: 'page' },
    { query: 'from=2020-02-30', field: 'from' },
    { query: 'from=2021-02-29', field: 'from' },
    { query: 'to=2020-13-01', field: 'to' },
    { query: 'from=01/02/2020', field: 'from' },
    { query: 'track=bogus', field: 'track' },
    { query: 'track=ta&track=network', field: 'track' },
    { query: 'format=webinar', field: 'format' },
    { query: 'consultant=abc', field: 'consultant' },
    { query: 'jurisdiction=Ohio', field: 'jurisdiction' },
    { query: 'topic=Equity%20Lens', field: 'topic' },
    { query: 'sort=date', field: 'sort' },
    { query: 'from=2022-01-01&to=2021-01-01', field: 'to', message: /to must be on or after from \(2022-01-01\)/ },
    { query: 'to=2016-12-31', field: 'to', message: /to must be on or after from \(2017-01-01\)/ },
    { query: 'from=2099-01-01', field: 'from', message: /from must be on or before to/ },
    { query: 'from=2999-01-01', field: 'from', message: /from must be a real date from 2000-01-01 to 2100-12-31/ },
  ];
  for (const endpoint of ['/api/v1/cases', '/api/v1/engagements', '/api/v1/reports/coverage']) {
    for (const b of bad) {
      it(`GET ${endpoint}?${b.query} answers 400 naming the field ${b.field}`, async () => {
        const res = await get(`${endpoint}?${b.query}`);
        assert.equal(res.status, 400, res.text);
        assert.ok(Array.isArray(res.body.errors), res.text);
        assert.deepStrictEqual(
          res.body.errors.map((e: { field: string }) => e.field),
          [b.field],
        );
        assert.ok(res.body.errors[0].message.length > 0);
        if (b.message) assert.match(res.body.errors[0].message, b.message);
        assert.equal(res.body.data, undefined);
      });
    }
  }

  it('GET /api/v1/cases, with a bad query value and no token, answers 401 and says nothing about the query', async () => {
    const res = await request(app).get('/api/v1/cases?per_page=500');
    assert.equal(res.status, 401);
    assert.equal(res.body.errors, undefined);
  });

  // ---------------------------------------------------------------------------------------------
  // Coverage: the dashboard's own figures.

  const coverageCases: { name: string; query: () => Record<string, string | number> }[] = [
    { name: 'with the default period', query: () => ({}) },
    { name: 'over a range cutting through years', query: () => ({ from: '2019-07-01', to: '2022-03-15' }) },
    { name: 'by track and format', query: () => ({ track: 'network', format: 'small_group' }) },
    { name: 'by topic and consultant', query: () => ({ topic: 'equity-lens', consultant: consultants[0] }) },
    { name: 'by jurisdiction', query: () => ({ jurisdiction: 'OH' }) },
    { name: 'by a territory and period', query: () => ({ jurisdiction: 'PR', from: '2018-01-01', to: '2024-12-31' }) },
  ];

  for (const c of coverageCases) {
    it(`GET /api/v1/reports/coverage, ${c.name}, gives the figures of dashboardFigures and of GET /dashboard for the same filters`, async () => {
      const query = new URLSearchParams(Object.entries(c.query()).map(([k, v]): [string, string] => [k, String(v)])).toString();
      const res = await get(`/api/v1/reports/coverage?${query}`);
      assert.equal(res.status, 200, res.text);
      const cov = res.body;
      const f: ReportFilters = cov.filters;
      for (const [k, v] of Object.entries(c.query()))
        assert.equal(String((f as unknown as Record<string, unknown>)[k]), String(v), `the filter ${k} was applied`);

      // The service's figures, computed afresh.
      const fig = await dashboardFigures(f, config);
      assert.equal(cov.states_served, fig.headline.statesServed);
      assert.equal(cov.states_total, fig.headline.statesTotal);
      assert.equal(cov.engagements, fig.headline.engagements);
      assert.equal(cov.hours, fig.headline.hours);
      assert.equal(cov.participants, fig.headline.participants);
      assert.equal(cov.open_cases, fig.headline.openCases);
      assert.deepStrictEqual(
        cov.territories_served,
        fig.territories.filter((t) => t.served).map((t) => t.code),
      );
      const figRows = [...fig.states, ...fig.territories].map((j) => ({
        code: j.code,
        served: Boolean(j.served),
        first_served: j.served ? j.served.first_served : null,
        last_served: j.served ? j.served.last_served : null,
        engagements: j.served ? j.served.engagements : 0,
        hours: j.served ? j.served.hours : 0,
        participants: j.served ? j.served.participants : 0,
      }));
      assert.deepStrictEqual(
        cov.jurisdictions.map(({ name: _n, kind: _k, ...rest }: Record<string, unknown>) => rest),
        figRows,
      );
      assert.deepStrictEqual(
        cov.by_year,
        fig.years.map((y) => ({
          year: y.year,
          states_served: y.served,
          new_to_leep: y.newly,
          newly_served: y.newly,
          served_cumulative: y.cumulative,
          engagements: y.engagements,
          hours: y.hours,
          participants: y.participants,
        })),
      );

      // A recount of the raw rows agrees, so the comparison is not of two empty answers.
      const recount = recountCoverage(raw, f);
      assert.deepStrictEqual(
        cov.jurisdictions
          .filter((j: { served: boolean }) => j.served)
          .map((j: Record<string, unknown>) => ({
            code: j.code,
            first_served: j.first_served,
            last_served: j.last_served,
            engagements: j.engagements,
            hours: j.hours,
            participants: j.participants,
          }))
          .sort((a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : 1)),
        recount,
      );
      assert.equal(cov.engagements, deliveredIn(raw, f).length);

      // What the dashboard page shows for the same filters.
      const page = await agent.get(`/dashboard?${filterParams(f)}`);
      assert.equal(page.status, 200);
      const shown = readDashboard(page.text);
      assert.deepStrictEqual(
        {
          statesServed: shown.statesServed,
          statesTotal: shown.statesTotal,
          engagements: shown.engagements,
          hours: shown.hours,
          participants: shown.participants,
          openCases: shown.openCases,
        },
        {
          statesServed: cov.states_served,
          statesTotal: cov.states_total,
          engagements: cov.engagements,
          hours: cov.hours,
          participants: cov.participants,
          openCases: cov.open_cases,
        },
      );
      const byCode = <T extends { code: string }>(rows: T[]) => [...rows].sort((a, b) => (a.code < b.code ? -1 : 1));
      assert.deepStrictEqual(
        byCode(shown.rows),
        byCode(
          cov.jurisdictions.map(
            (j: {
              code: string;
              served: boolean;
              first_served: string | null;
              last_served: string | null;
              engagements: number;
              hours: number;
              participants: number;
            }) => ({
              code: j.code,
              served: j.served,
              first: j.first_served ? calendarDate(j.first_served) : '',
              last: j.last_served ? calendarDate(j.last_served) : '',
              engagements: j.engagements,
              hours: j.hours,
              participants: j.participants,
            }),
          ),
        ),
      );
      assert.deepStrictEqual(
        shown.years,
        cov.by_year.map(
          (y: { year: number; states_served: number; new_to_leep: number; served_cumulative: number; engagements: number }) => ({
            year: y.year,
            served: y.states_served,
            newly: y.new_to_leep,
            cumulative: y.served_cumulative,
            engagements: y.engagements,
          }),
        ),
      );
    });
  }

  it('GET /api/v1/reports/coverage, on the default period, finds served states, territories and years to compare', async () => {
    const res = await get('/api/v1/reports/coverage');
    assert.equal(res.status, 200);
    assert.equal(res.body.states_total, 51, 'the 50 states and DC');
    assert.ok(res.body.states_served >= 5, `states served: ${res.body.states_served}`);
    assert.ok(res.body.territories_served.length >= 1);
    assert.ok(res.body.by_year.filter((y: { engagements: number }) => y.engagements > 0).length >= 3);
    for (const code of ['WY', 'VT'])
      assert.equal(
        res.body.jurisdictions.find((j: { code: string }) => j.code === code).served,
        false,
        `${code}, listed only by scheduled or cancelled engagements, is not served`,
      );
  });
});
