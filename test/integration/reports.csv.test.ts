import assert from 'node:assert/strict';
import type request from 'supertest';
import { CASE_PAGE_SIZE, ENGAGEMENT_PAGE_SIZE } from '../../server/queries/export.queries';
import { filterParams, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { parse } from 'csv-parse/sync';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { casesIn, deliveredIn, hours, recountCoverage } from '../helpers/reports-recount';
import { csvBody } from '../helpers/reports-pages';

const SHAPE: Shape = {
  seed: 64,
  // More rows than an export reads at a time, so that its paging is exercised.
  cases: 300,
  engagements: 1400,
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
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const ZONE = 'America/New_York';
/** An instant as the oracle writes it in local time: Intl alone, none of the app's time code. */
const localOf = (ms: number | null) =>
  ms === null
    ? ''
    : new Intl.DateTimeFormat('sv-SE', {
        timeZone: ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(ms);
const TRACK_WORDS: Record<string, string> = { ta: 'Technical Assistance', network: 'State Policy Network', cohort: 'National Cohort' };
const FORMAT_WORDS: Record<string, string> = {
  one_on_one: 'One-on-one discussion',
  small_group: 'Small-group facilitation',
  online_training: 'Customized online training',
};
const STATUS_WORDS: Record<string, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  on_hold: 'On hold',
  completed: 'Completed',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
};
const KIND_WORDS: Record<string, string> = { state: 'State', district: 'District', territory: 'Territory' };
const BOM = '\ufeff';

const filtersOf = (query: Record<string, string | number>) =>
  parseReportFilters(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), 'America/New_York').filters;

/** The CSV's rows as objects by header; checks the byte-order mark, the type and the single header row. */
function readCsv(res: request.Response, header: string[]): Record<string, string>[] {
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(
    String(res.headers['content-disposition']),
    /^attachment; filename="leep-[a-z]+-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const text = csvBody(res);
  assert.ok(text.startsWith(BOM), 'the file starts with the UTF-8 byte-order mark');
  const rows: string[][] = parse(text.slice(BOM.length), { relax_column_count: true });
  assert.deepStrictEqual(rows[0], header, 'the first row is the header');
  const body = rows.slice(1);
  assert.ok(!body.some((r) => r.join(',') === header.join(',')), 'exactly one header row');
  for (const r of body) assert.equal(r.length, header.length, `every row has ${header.length} fields: ${r.join(',')}`);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const ENGAGEMENT_HEADER = [
  'Engagement',
  'Case reference',
  'Program',
  'Date',
  'Start time',
  'Duration (minutes)',
  'Hours',
  'Format',
  'Status',
  'Participants',
  'States and jurisdictions',
  'Consultants',
  'Topics',
];
const COVERAGE_HEADER = [
  'Code',
  'State or jurisdiction',
  'Kind',
  'Served',
  'First served',
  'Last served',
  'Engagements (each counted under every state it lists)',
  'Hours',
  'Participants',
];
const CASE_HEADER = [
  'Reference',
  'Program',
  'Status',
  'Priority',
  'Source',
  'Jurisdiction code',
  'State or jurisdiction',
  'Title',
  'Requester',
  'Organization',
  `Submitted (${ZONE})`,
  `First assigned (${ZONE})`,
  `First delivered engagement (${ZONE})`,
  `Closed (${ZONE})`,
  'Lead consultant',
];

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
    assert.ok(deliveredIn(raw, f).length > ENGAGEMENT_PAGE_SIZE, `${deliveredIn(raw, f).length} engagements`);
    assert.ok(casesIn(raw, f).length > CASE_PAGE_SIZE, `${casesIn(raw, f).length} cases`);
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
      assert.deepStrictEqual(
        rows.map((r) => Number(r.Engagement)).sort((a, b) => a - b),
        expected.map((e) => e.id).sort((a, b) => a - b),
      );
      const topicName = new Map(raw.topics.map((t) => [t.slug, t.name]));
      for (const r of rows) {
        const e = expected.find((x) => x.id === Number(r.Engagement));
        assert.ok(e);
        const kase = raw.caseById.get(e.case_id);
        assert.match(r.Date, ISO_DATE);
        assert.deepStrictEqual(
          {
            reference: r['Case reference'],
            track: r.Program,
            date: r.Date,
            start: r['Start time'],
            minutes: Number(r['Duration (minutes)']),
            hours: Number(r.Hours),
            format: r.Format,
            status: r.Status,
            participants: Number(r.Participants),
          },
          {
            reference: kase?.reference,
            track: TRACK_WORDS[kase?.track as string],
            date: e.date,
            start: e.start_time ?? '',
            minutes: e.minutes,
            hours: hours(e.minutes),
            format: FORMAT_WORDS[e.format],
            status: 'Delivered',
            participants: e.participants,
          },
        );
        const list = (s: string) => (s ? s.split('; ').sort() : []);
        assert.deepStrictEqual(list(r['States and jurisdictions']), [...e.jurisdictions].sort());
        assert.deepStrictEqual(list(r.Consultants), e.consultants.map((u) => raw.users.get(u) as string).sort());
        assert.deepStrictEqual(list(r.Topics), e.topics.map((t) => topicName.get(t) as string).sort());
      }
      // Newest first.
      for (let i = 1; i < rows.length; i += 1) {
        const a = rows[i - 1];
        const b = rows[i];
        assert.ok(a.Date > b.Date || (a.Date === b.Date && Number(a.Engagement) > Number(b.Engagement)));
      }
    });

    it(`GET /reports/coverage.csv, filtered ${c.name}, has one row per jurisdiction equal to a recount`, async () => {
      const f = filtersOf(c.query());
      const coverage = new Map(recountCoverage(raw, f).map((r) => [r.code, r]));
      const rows = readCsv(await agent.get(`/reports/coverage.csv?${filterParams(f)}`), COVERAGE_HEADER);
      assert.deepStrictEqual(rows.map((r) => r.Code).sort(), raw.jurisdictions.map((j) => j.code).sort());
      for (const r of rows) {
        const j = raw.jurisdictions.find((x) => x.code === r.Code);
        const cov = coverage.get(r.Code);
        assert.equal(r['State or jurisdiction'], j?.name);
        assert.equal(r.Kind, KIND_WORDS[j?.kind as string]);
        if (cov) {
          assert.match(r['First served'], ISO_DATE);
          assert.match(r['Last served'], ISO_DATE);
        }
        assert.deepStrictEqual(
          {
            served: r.Served,
            first: r['First served'],
            last: r['Last served'],
            engagements: Number(r[COVERAGE_HEADER[6]]),
            hours: Number(r.Hours),
            participants: Number(r.Participants),
          },
          cov
            ? {
                served: 'Yes',
                first: cov.first_served,
                last: cov.last_served,
                engagements: cov.engagements,
                hours: cov.hours,
                participants: cov.participants,
              }
            : { served: 'No', first: '', last: '', engagements: 0, hours: 0, participants: 0 },
          r.Code,
        );
      }
      if (!f.jurisdiction) assert.ok(coverage.size >= 3, 'the recount finds several served jurisdictions');
    });

    it(`GET /reports/cases.csv, filtered ${c.name}, lists exactly the cases submitted in the period under the case filters, with local times and words`, async () => {
      const f = filtersOf(c.query());
      const expected = casesIn(raw, f);
      const rows = readCsv(await agent.get(`/reports/cases.csv?${filterParams(f)}`), CASE_HEADER);
      assert.deepStrictEqual(rows.map((r) => r.Reference).sort(), expected.map((x) => x.reference).sort());
      const [submitted, assigned, engaged, closed] = CASE_HEADER.slice(10, 14);
      for (const r of rows) {
        const kase = expected.find((x) => x.reference === r.Reference);
        assert.ok(kase);
        assert.match(r[submitted], LOCAL_TIME);
        for (const field of [assigned, engaged, closed]) if (r[field]) assert.match(r[field], LOCAL_TIME);
        assert.deepStrictEqual(
          {
            submitted: r[submitted],
            assigned: r[assigned],
            engaged: r[engaged],
            track: r.Program,
            status: r.Status,
            jurisdiction: r['Jurisdiction code'],
            lead: r['Lead consultant'],
          },
          {
            submitted: localOf(kase.submitted),
            assigned: localOf(kase.assigned),
            engaged: localOf(kase.engaged),
            track: TRACK_WORDS[kase.track],
            status: STATUS_WORDS[kase.status],
            jurisdiction: kase.jurisdiction_code,
            lead: kase.lead === null ? '' : raw.users.get(kase.lead),
          },
        );
      }
    });
  }

  it('GET /reports/engagements.csv, over a period with no delivered engagement, is the header alone', async () => {
    const rows = readCsv(await agent.get('/reports/engagements.csv?from=2010-01-01&to=2010-12-31'), ENGAGEMENT_HEADER);
    assert.equal(rows.length, 0);
  });
});
