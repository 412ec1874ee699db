import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { generateDemo } from '../../seeds/demo';
import { dashboardFigures, filterParams, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { expectedRows, readDashboard } from '../helpers/reports-pages';
import { projectFigures, recountDashboard } from '../helpers/reports-recount-dashboard';

const TARGET = 5;
const DAY = 86_400_000;

/** The filters as the app reads them from a query string (so that the defaults are the app's). */
const filtersOf = (query: Record<string, string | number>) =>
  parseReportFilters(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), 'America/New_York').filters;

interface Case {
  name: string;
  query: (ids: { consultants: number[] }) => Record<string, string | number>;
  /** The recount must find delivered engagements under these filters, or the comparison proves little. */
  nonEmpty?: boolean;
}

const FILTER_CASES: Case[] = [
  { name: 'with the default period', query: () => ({}), nonEmpty: true },
  {
    name: 'over a range cutting through years (2019-07-01 to 2021-03-15)',
    query: () => ({ from: '2019-07-01', to: '2021-03-15' }),
    nonEmpty: true,
  },
  { name: 'by track and format', query: () => ({ track: 'network', format: 'small_group' }), nonEmpty: true },
  { name: 'by topic and consultant', query: (ids) => ({ topic: 'equity-lens', consultant: ids.consultants[0] }) },
  { name: 'by jurisdiction and period', query: () => ({ jurisdiction: 'OH', from: '2018-03-01', to: '2022-10-31' }) },
  { name: 'by a territory', query: () => ({ jurisdiction: 'PR' }) },
  {
    name: 'by every filter at once',
    query: (ids) => ({
      from: '2017-06-15',
      to: '2025-12-31',
      track: 'ta',
      format: 'one_on_one',
      topic: 'board-governance',
      consultant: ids.consultants[1] ?? ids.consultants[0],
      jurisdiction: 'DC',
    }),
  },
  { name: 'by a single day', query: () => ({ from: '2020-01-15', to: '2020-01-15' }) },
];

/**
 * One block per data shape: the data made once before its tests, then every dashboard figure,
 * under each set of filters, compared with a recount of the raw rows, directly and as rendered.
 */
function recountSuite(shapeName: string, make: (knex: Knex) => Promise<{ now: Date }>, httpCases: string[]) {
  describeEachEngine(`Dashboard figures on generated data (${shapeName})`, (ctx) => {
    let raw: Raw;
    let now: Date;
    let agent: Agent;
    const ids = { consultants: [] as number[] };

    before(async function () {
      this.timeout(60_000);
      ({ now } = await make(ctx.db.knex));
      raw = await loadRaw(ctx.db.knex);
      ids.consultants = [...new Set(raw.engagements.flatMap((e) => e.consultants))].sort((a, b) => a - b);
      const { app } = testApp();
      agent = await signInAs(app, await makeUser({ role: 'director' }));
    });

    it(`the generated data (${shapeName}) has delivered, cancelled and scheduled engagements, several listing more than one jurisdiction`, () => {
      const statuses = new Set(raw.engagements.map((e) => e.status));
      assert.ok(statuses.has('delivered') && statuses.has('cancelled') && statuses.has('scheduled'), `statuses: ${[...statuses]}`);
      assert.ok(raw.engagements.filter((e) => e.jurisdictions.length > 1).length >= 5);
    });

    for (const c of FILTER_CASES) {
      it(`dashboardFigures, on generated data (${shapeName}) filtered ${c.name}, equals a recount of the raw rows`, async () => {
        const f = filtersOf(c.query(ids));
        const expected = recountDashboard(raw, f, { target: TARGET, now });
        if (c.nonEmpty) assert.ok(expected.headline.engagements > 0, 'the recount finds delivered engagements');
        const figures = await dashboardFigures(f, { responseTargetBusinessDays: TARGET }, now);
        assert.deepStrictEqual(projectFigures(figures), expected);
        // Groups with the most engagements come first, as the dashboard lists them.
        for (const list of [figures.byTopic, figures.byConsultant]) {
          for (let i = 1; i < list.length; i += 1) assert.ok(list[i - 1].engagements >= list[i].engagements);
        }
      });
    }

    for (const c of FILTER_CASES.filter((x) => httpCases.includes(x.name))) {
      it(`GET /dashboard, on generated data (${shapeName}) filtered ${c.name}, shows figures equal to a recount`, async () => {
        const query = c.query(ids);
        const f = filtersOf(query);
        const expected = recountDashboard(raw, f, { target: TARGET, now: new Date() });
        const res = await agent.get(`/dashboard?${filterParams(f)}`);
        assert.equal(res.status, 200);
        const shown = readDashboard(res.text);
        assert.equal(shown.statesServed, expected.headline.statesServed);
        assert.equal(shown.statesTotal, 51);
        assert.equal(shown.engagements, expected.headline.engagements);
        assert.equal(shown.hours, expected.headline.hours);
        assert.equal(shown.participants, expected.headline.participants);
        assert.equal(shown.openCases, expected.headline.openCases);
        const byCode = (rows: { code: string }[]) => [...rows].sort((a, b) => (a.code < b.code ? -1 : 1));
        assert.equal(shown.rows.length, raw.jurisdictions.length, 'one row per state, DC and territory');
        assert.deepStrictEqual(byCode(shown.rows), byCode(expectedRows(raw, expected.coverage)));
        assert.deepStrictEqual(
          shown.years,
          expected.years.map((y) => ({
            year: y.year,
            served: y.served,
            newly: y.newly,
            cumulative: y.cumulative,
            engagements: y.engagements,
          })),
        );
        assert.equal(shown.newToLeep, expected.headline.newToLeep);
        // The total rows of the tables crediting an engagement under each state, topic or consultant are distinct totals.
        assert.deepStrictEqual(shown.totals, expected.distinct);
      });
    }
  });
}

const MIXED: Shape = {
  seed: 11,
  cases: 90,
  engagements: 360,
  consultants: 6,
  codes: ['OH', 'KY', 'MI', 'DC', 'NV', 'IL', 'PR', 'GU', 'CA', 'TX'],
  extraCodes: ['VI', 'AS', 'MP', 'NM', 'MA', 'NC', 'WA', 'DC', 'PR', 'OH'],
  neverServedCodes: ['WY', 'VT'],
  multi: 0.4,
  cancelled: 0.12,
  scheduled: 0.1,
  from: '2016-03-01',
  now: '2026-02-15T17:30:00.000Z',
};

// Engagements on the edges of the periods tested, cases submitted on the last and first
// millisecond of a day, and response times that sit exactly on a rounding edge (x.x5 days).
const EDGE = 4_320_000; // 0.05 day
const BOUNDARIES: Shape = {
  seed: 37,
  cases: 70,
  engagements: 260,
  consultants: 4,
  codes: ['OH', 'KY', 'DC', 'PR'],
  extraCodes: ['MI', 'VI', 'OH', 'DC'],
  neverServedCodes: ['WY'],
  multi: 0.35,
  cancelled: 0.1,
  scheduled: 0.08,
  from: '2017-01-01',
  now: '2023-06-30T12:00:00.000Z',
  pinnedDates: ['2017-01-01', '2019-06-30', '2019-07-01', '2020-12-31', '2021-01-01', '2021-03-15', '2021-03-16', '2020-01-15'],
  pinnedSubmitted: ['2019-06-30T23:59:59.999Z', '2019-07-01T00:00:00.000Z', '2021-03-15T23:59:59.999Z', '2021-03-16T00:00:00.000Z'],
  lags: [EDGE, 3 * EDGE, 21 * EDGE, 45 * EDGE, 67 * EDGE, 89 * EDGE, 2 * DAY, 7 * DAY + 1],
};

const TERRITORIES: Shape = {
  seed: 23,
  cases: 30,
  engagements: 90,
  consultants: 3,
  codes: ['PR', 'GU', 'VI', 'AS', 'MP', 'DC'],
  extraCodes: ['PR', 'GU', 'OH'],
  neverServedCodes: ['AK'],
  multi: 0.3,
  cancelled: 0.25,
  scheduled: 0.15,
  from: '2018-01-01',
  now: '2025-09-01T04:00:00.000Z',
};

const ALL_HTTP = FILTER_CASES.map((c) => c.name);

recountSuite(
  'mixed: multi-jurisdiction, cancelled, scheduled, territories',
  async (knex) => {
    await generateReportData(knex, MIXED);
    return { now: new Date(MIXED.now) };
  },
  ALL_HTTP,
);

recountSuite(
  'period edges and rounding edges',
  async (knex) => {
    await generateReportData(knex, BOUNDARIES);
    return { now: new Date(BOUNDARIES.now) };
  },
  ['over a range cutting through years (2019-07-01 to 2021-03-15)', 'by a single day', 'by jurisdiction and period'],
);

recountSuite(
  'mostly territories and DC',
  async (knex) => {
    await generateReportData(knex, TERRITORIES);
    return { now: new Date(TERRITORIES.now) };
  },
  ['with the default period', 'by a territory'],
);

for (const seed of [7, 99]) {
  recountSuite(
    `generateDemo, seed ${seed}`,
    async (knex) => {
      await generateDemo(knex, {
        cases: 40,
        engagements: 170,
        consultants: 5,
        jurisdictions: 8,
        seed,
        today: '2024-06-30',
        passwordHash: 'not-a-real-hash',
        details: false,
      });
      return { now: new Date('2024-07-01T03:00:00.000Z') };
    },
    ['with the default period', 'by track and format'],
  );
}
