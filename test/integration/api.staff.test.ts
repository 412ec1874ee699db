import assert from 'node:assert/strict';
import request from 'supertest';
import type { ReportFilters } from '../../server/queries/report.queries';
import { testApp } from '../helpers/app';
import { bearerClient, staffApiData } from '../helpers/api-staff';
import { describeEachEngine } from '../helpers/db';
import type { Raw } from '../helpers/reports-raw';
import { casesIn, deliveredIn } from '../helpers/reports-recount';

describeEachEngine('Staff API on generated data: paging and bad query values', (ctx) => {
  const { app } = testApp();
  const { token, get } = bearerClient(app);
  let raw: Raw;

  before(async function () {
    this.timeout(60_000);
    ({ raw } = await staffApiData(ctx.db.knex, app));
  });

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
});
