import assert from 'node:assert/strict';
import type request from 'supertest';
import { EXPORT_PAGE_SIZE } from '../../server/queries/export.queries';
import { filterParams, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Raw, Shape, casesIn, csvBody, deliveredIn, generateReportData, hours, loadRaw, parseCsv, recountCoverage } from '../helpers/reports';

const SHAPE: Shape = {
  seed: 64,
  // More rows than an export reads at a time, so that its paging is exercised.
  cases: 300,
  engagements: 700,
  consultants: 5,
  codes: ['OH', 'KY', 'MI', 'DC', 'PR', 'NV'],
  extraCodes: ['OH', 'VI', 'GU', 'DC', 'MA'],
  neverServedCodes: ['WY'],
  multi: 0.4,
  cancelled: 0.12,
  scheduled: 0.1,
  from: '2016-06-01',
  now: '2025-12-01T15:00:00.000Z',
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BOM = '\ufeff';

const filtersOf = (query: Record<string, string | number>) => parseReportFilters(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), 'America/New_York').filters;

/** The CSV's rows as objects by header; checks the byte-order mark, the type and the single header row. */
function readCsv(res: request.Response, header: string[]): Record<string, string>[] {
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="leep-[a-z]+-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/);
  const text = csvBody(res);
  assert.ok(text.startsWith(BOM), 'the file starts with the UTF-8 byte-order mark');
  const rows = parseCsv(text.slice(BOM.length));
  assert.deepStrictEqual(rows[0], header, 'the first row is the header');
  const body = rows.slice(1);
  assert.ok(!body.some((r) => r.join(',') === header.join(',')), 'exactly one header row');
  for (const r of body) assert.equal(r.length, header.length, `every row has ${header.length} fields: ${r.join(',')}`);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const ENGAGEMENT_HEADER = ['engagement_id', 'case_reference', 'track', 'date', 'start_time', 'duration_minutes', 'hours', 'format', 'status', 'participant_count', 'jurisdictions', 'consultants', 'topics'];
const COVERAGE_HEADER = ['code', 'name', 'kind', 'served', 'first_served', 'last_served', 'engagements', 'hours', 'participants'];
const CASE_HEADER = ['reference', 'track', 'status', 'priority', 'source', 'jurisdiction', 'jurisdiction_name', 'title', 'requester_name', 'organization', 'submitted_at', 'first_assigned_at', 'first_engagement_at', 'closed_at', 'lead_consultant'];

describeEachEngine('CSV exports on generated data', (ctx) => {
  let raw: Raw;
  let agent: Agent;
  let consultants: number[];

  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, SHAPE);
    raw = await loadRaw(ctx.db.knex);
    consultants = [...new Set(raw.engagements.flatMap((e) => e.consultants))].sort((a, b) => a - b);
    const { app } = testApp();
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  it('the generated data has more delivered engagements and cases in the default period than an export reads at a time', () => {
    const f = filtersOf({});
    assert.ok(deliveredIn(raw, f).length > EXPORT_PAGE_SIZE, `${deliveredIn(raw, f).length} engagements`);
    assert.ok(casesIn(raw, f).length > EXPORT_PAGE_SIZE, `${casesIn(raw, f).length} cases`);
  });

  const FILTERS: { name: string; query: () => Record<string, string | number> }[] = [
    { name: 'with the default period', query: () => ({}) },
    { name: 'over 2019-07-01 to 2021-03-15', query: () => ({ from: '2019-07-01', to: '2021-03-15' }) },
    { name: 'by track and format', query: () => ({ track: 'cohort', format: 'online_training' }) },
    { name: 'by topic and consultant', query: () => ({ topic: 'school-climate', consultant: consultants[0] }) },
    { name: 'by jurisdiction and period', query: () => ({ jurisdiction: 'PR', from: '2018-01-01', to: '2023-12-31' }) },
  ];

  for (const c of FILTERS) {
    it(`GET /reports/engagements.csv, filtered ${c.name}, lists exactly the delivered engagements of a recount, with their figures`, async () => {
      const f = filtersOf(c.query());
      const expected = deliveredIn(raw, f);
      const rows = readCsv(await agent.get(`/reports/engagements.csv?${filterParams(f)}`), ENGAGEMENT_HEADER);
      assert.deepStrictEqual(rows.map((r) => Number(r.engagement_id)).sort((a, b) => a - b), expected.map((e) => e.id).sort((a, b) => a - b));
      const topicName = new Map(raw.topics.map((t) => [t.slug, t.name]));
      for (const r of rows) {
        const e = expected.find((x) => x.id === Number(r.engagement_id));
        assert.ok(e);
        const kase = raw.caseById.get(e.case_id);
        assert.match(r.date, ISO_DATE);
        assert.deepStrictEqual(
          { reference: r.case_reference, track: r.track, date: r.date, start: r.start_time, minutes: Number(r.duration_minutes), hours: Number(r.hours), format: r.format, status: r.status, participants: Number(r.participant_count) },
          { reference: kase?.reference, track: kase?.track, date: e.date, start: e.start_time ?? '', minutes: e.minutes, hours: hours(e.minutes), format: e.format, status: 'delivered', participants: e.participants },
        );
        const list = (s: string) => (s ? s.split('; ').sort() : []);
        assert.deepStrictEqual(list(r.jurisdictions), [...e.jurisdictions].sort());
        assert.deepStrictEqual(list(r.consultants), e.consultants.map((u) => raw.users.get(u) as string).sort());
        assert.deepStrictEqual(list(r.topics), e.topics.map((t) => topicName.get(t) as string).sort());
      }
      // Newest first.
      for (let i = 1; i < rows.length; i += 1) {
        const a = rows[i - 1];
        const b = rows[i];
        assert.ok(a.date > b.date || (a.date === b.date && Number(a.engagement_id) > Number(b.engagement_id)));
      }
    });

    it(`GET /reports/coverage.csv, filtered ${c.name}, has one row per jurisdiction equal to a recount`, async () => {
      const f = filtersOf(c.query());
      const coverage = new Map(recountCoverage(raw, f).map((r) => [r.code, r]));
      const rows = readCsv(await agent.get(`/reports/coverage.csv?${filterParams(f)}`), COVERAGE_HEADER);
      assert.deepStrictEqual(rows.map((r) => r.code).sort(), raw.jurisdictions.map((j) => j.code).sort());
      for (const r of rows) {
        const j = raw.jurisdictions.find((x) => x.code === r.code);
        const cov = coverage.get(r.code);
        assert.equal(r.name, j?.name);
        assert.equal(r.kind, j?.kind);
        if (cov) {
          assert.match(r.first_served, ISO_DATE);
          assert.match(r.last_served, ISO_DATE);
        }
        assert.deepStrictEqual(
          { served: r.served, first: r.first_served, last: r.last_served, engagements: Number(r.engagements), hours: Number(r.hours), participants: Number(r.participants) },
          cov
            ? { served: 'yes', first: cov.first_served, last: cov.last_served, engagements: cov.engagements, hours: cov.hours, participants: cov.participants }
            : { served: 'no', first: '', last: '', engagements: 0, hours: 0, participants: 0 },
          r.code,
        );
      }
      if (!f.jurisdiction) assert.ok(coverage.size >= 3, 'the recount finds several served jurisdictions');
    });

    it(`GET /reports/cases.csv, filtered ${c.name}, lists exactly the cases submitted in the period under the case filters, with ISO timestamps`, async () => {
      const f = filtersOf(c.query());
      const expected = casesIn(raw, f);
      const rows = readCsv(await agent.get(`/reports/cases.csv?${filterParams(f)}`), CASE_HEADER);
      assert.deepStrictEqual(rows.map((r) => r.reference).sort(), expected.map((x) => x.reference).sort());
      const iso = (v: number | null) => (v === null ? '' : new Date(v).toISOString());
      for (const r of rows) {
        const kase = expected.find((x) => x.reference === r.reference);
        assert.ok(kase);
        assert.match(r.submitted_at, ISO_INSTANT);
        for (const field of ['first_assigned_at', 'first_engagement_at', 'closed_at']) if (r[field]) assert.match(r[field], ISO_INSTANT);
        assert.deepStrictEqual(
          { submitted: r.submitted_at, assigned: r.first_assigned_at, engaged: r.first_engagement_at, track: r.track, status: r.status, jurisdiction: r.jurisdiction, lead: r.lead_consultant },
          { submitted: iso(kase.submitted), assigned: iso(kase.assigned), engaged: iso(kase.engaged), track: kase.track, status: kase.status, jurisdiction: kase.jurisdiction_code, lead: kase.lead === null ? '' : raw.users.get(kase.lead) },
        );
      }
    });
  }

  it('GET /reports/engagements.csv, over a period with no delivered engagement, is the header alone', async () => {
    const rows = readCsv(await agent.get('/reports/engagements.csv?from=2010-01-01&to=2010-12-31'), ENGAGEMENT_HEADER);
    assert.equal(rows.length, 0);
  });
});
