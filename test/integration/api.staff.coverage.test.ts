import assert from 'node:assert/strict';
import type { ReportFilters } from '../../server/queries/report.queries';
import { dashboardFigures, filterParams } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { bearerClient, staffApiData } from '../helpers/api-staff';
import type { Agent } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import type { Raw } from '../helpers/reports-raw';
import { calendarDate, readDashboard } from '../helpers/reports-pages';
import { deliveredIn, recountCoverage } from '../helpers/reports-recount';

describeEachEngine('Staff API on generated data: coverage', (ctx) => {
  const { app, config } = testApp();
  const { get } = bearerClient(app);
  let raw: Raw;
  let consultants: number[];
  let agent: Agent;

  before(async function () {
    this.timeout(60_000);
    ({ raw, consultants, agent } = await staffApiData(ctx.db.knex, app));
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
