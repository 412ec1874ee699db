import assert from 'node:assert/strict';
import { dashboardFigures, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { loadRaw } from '../helpers/reports-raw';
import { readDashboard } from '../helpers/reports-pages';

const ZONE = 'America/New_York';
const SHAPE: Shape = {
  seed: 2024,
  cases: 120,
  engagements: 500,
  consultants: 5,
  codes: ['OH', 'KY', 'MI', 'DC', 'NV', 'IL', 'PR', 'CA', 'TX', 'GA', 'ME', 'OR', 'VT', 'NM', 'AZ'],
  extraCodes: ['VI', 'NM', 'MA', 'NC', 'WA', 'DC', 'PR', 'OH', 'ND', 'SD', 'ID'],
  multi: 0.35,
  cancelled: 0.1,
  scheduled: 0.05,
  from: '2017-01-01',
  now: '2026-02-15T17:30:00.000Z',
};
const config = { responseTargetBusinessDays: 5 };
const filtersOf = (q: Record<string, string>) => parseReportFilters(q, ZONE, new Date(SHAPE.now)).filters;

describeEachEngine('New to LEEP and served under a date range', (t) => {
  before(async function () {
    this.timeout(60_000);
    await generateReportData(t.db.knex, SHAPE);
  });

  it('dashboardFigures, filtered to 2024, shows new to LEEP in 2024 equal to the unfiltered by-year figure, and served beside it', async () => {
    const all = await dashboardFigures(filtersOf({}), config);
    const in2024 = await dashboardFigures(filtersOf({ from: '2024-01-01', to: '2024-12-31' }), config);
    const row = all.years.find((y) => y.year === 2024);
    assert.ok(row);
    assert.equal(in2024.headline.newToLeep, row.newly);
    assert.deepEqual(
      in2024.years.map((y) => [y.year, y.served, y.newly, y.cumulative]),
      [[2024, row.served, row.newly, row.cumulative]],
    );
    // "Served" in 2024 is every state with work that year: more than the new ones, on this history.
    assert.equal(in2024.headline.statesServed, row.served);
    assert.ok(
      in2024.headline.statesServed > in2024.headline.newToLeep,
      `${in2024.headline.statesServed} served, ${in2024.headline.newToLeep} new`,
    );
  });

  it('dashboardFigures, unfiltered, has headline, map, by-year table and chart agree: states only, territories apart', async () => {
    const raw = await loadRaw(t.db.knex);
    const all = await dashboardFigures(filtersOf({}), config);
    const last = all.years[all.years.length - 1];
    assert.equal(last.cumulative, all.headline.statesServed, 'served so far at the end equals the headline');
    assert.equal(all.headline.newToLeep, all.headline.statesServed, 'over the whole history, every state served is new to LEEP once');
    assert.equal(
      all.years.reduce((n, y) => n + y.newly, 0),
      all.headline.statesServed,
    );
    assert.equal(all.states.filter((s) => s.served).length, all.headline.statesServed, 'the map and table shade as many states');
    const territories = new Set(raw.jurisdictions.filter((j) => j.kind === 'territory').map((j) => j.code));
    assert.ok(
      all.territories.some((x) => x.served),
      'a territory is served, so the test could tell',
    );
    assert.ok(!all.states.some((s) => territories.has(s.code)));
  });

  it('GET /dashboard?from=2024-01-01&to=2024-12-31, as a director, shows "new to LEEP in the period" and says territories are not in the counts', async () => {
    const { app } = testApp();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const all = await dashboardFigures(filtersOf({}), config);
    const res = await agent.get('/dashboard?from=2024-01-01&to=2024-12-31');
    assert.equal(res.status, 200);
    const shown = readDashboard(res.text);
    assert.equal(shown.newToLeep, all.years.find((y) => y.year === 2024)?.newly);
    assert.match(res.text, /Territories are not in these counts/);
    assert.match(res.text, /territories not in these counts\) and work delivered, by year/);
    assert.match(res.text, /Open cases by age \(all open cases now: the period does not apply\)/);
  });
});
