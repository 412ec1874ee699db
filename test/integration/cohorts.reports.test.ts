import assert from 'node:assert/strict';
import type { ReportFilters } from '../../server/queries/report.queries';
import { assignConsultants } from '../../server/services/case-assignment.service';
import { dashboardFigures, filterParams, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase, storeEngagement } from '../helpers/engagements';
import { daysFromToday, actor, CTX } from '../helpers/programs';
import { attendAs, makeCohort } from '../helpers/programs-cohorts';
import { applicationForm, applyTo, decideAs } from '../helpers/programs-applications';
import { attendEvent, makeEvent, makeTeam } from '../helpers/programs-network';
import { programServedDays } from '../helpers/programs-state';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { calendarDate, expectedRows, readDashboard, readStatePage } from '../helpers/reports-pages';
import { projectFigures, recountDashboard } from '../helpers/reports-recount-dashboard';
import { recountState } from '../helpers/reports-recount';
import { openTraining } from '../../server/services/network.service';
import { cancelEngagement } from '../../server/services/engagement.service';
import { submitApplication } from '../../server/services/application.service';

const TARGET = 5;
const filtersOf = (query: Record<string, string>) => parseReportFilters(query, 'America/New_York').filters;

/**
 * Technical assistance, two cohorts and the network, with the answers known:
 * - TA: a delivered engagement for Ohio.
 * - Cohort (this year): meeting 1 with Ohio and Kentucky present (Puerto Rico and Wyoming absent),
 *   meeting 2 with only Puerto Rico present (Wyoming excused), meeting 3 still to come. Texas is
 *   waitlisted. Served through it: KY, OH, PR; never WY or TX.
 * - Cohort (2021): one meeting with Maine present.
 * - Network: an event in 2022 attended by Michigan and the Virgin Islands, one last week by Ohio
 *   and Michigan, one to come, and one attended by Texas and then cancelled; a customized-training
 *   case for Nevada with a delivered engagement. Served through it: MI, VI, OH, NV; never TX.
 */
async function fixture(knex: Parameters<typeof makeCohort>[0], config: ReturnType<typeof testApp>['config']) {
  const director = await makeUser({ role: 'director' });
  const consultant = await makeUser({ role: 'consultant' });
  const ta = await makeCase(config, { lead: consultant, director, jurisdiction: 'OH' });
  await storeEngagement(ta.id, consultant, {
    status: 'delivered',
    date: daysFromToday(-15),
    summary: 'Board retreat.',
    jurisdictions: ['OH'],
    participant_count: 9,
  });

  const cohort = await makeCohort(knex, {
    director,
    meetings: [
      { date: daysFromToday(-20), duration_minutes: 120 },
      { date: daysFromToday(-10), duration_minutes: 45 },
      { date: daysFromToday(10) },
    ],
  });
  const [oh, ky, pr, wy, tx] = [
    await applyTo(cohort.id, { jurisdiction: 'OH', name: 'Ohio Member' }),
    await applyTo(cohort.id, { jurisdiction: 'KY', name: 'Kentucky Member' }),
    await applyTo(cohort.id, { jurisdiction: 'PR', name: 'Puerto Rico Member' }),
    await applyTo(cohort.id, { jurisdiction: 'WY', name: 'Wyoming Member' }),
    await applyTo(cohort.id, { jurisdiction: 'TX', name: 'Texas Member' }),
  ];
  for (const p of [oh, ky, pr, wy]) await decideAs(director, cohort.id, p.id, 'selected');
  await decideAs(director, cohort.id, tx.id, 'waitlisted');
  await attendAs(director, cohort.id, cohort.meetings[0].id, {
    [oh.id]: 'present',
    [ky.id]: 'present',
    [pr.id]: 'absent',
    [wy.id]: 'absent',
  });
  await attendAs(director, cohort.id, cohort.meetings[1].id, {
    [oh.id]: 'absent',
    [ky.id]: 'excused',
    [pr.id]: 'present',
    [wy.id]: 'excused',
  });

  const old = await makeCohort(knex, {
    director,
    form: { year: '2021', opens_on: '2021-01-04', closes_on: '2021-02-01' },
    meetings: [{ date: '2021-04-10', duration_minutes: 240, mode: 'in_person', place: 'Portland' }],
  });
  // Applied while that cohort's window was open, in January 2021.
  const maine = await submitApplication(
    old.id,
    { ...applicationForm({ jurisdiction: 'ME', name: 'Maine Member' }), years_on_board: 2 },
    { ...CTX, now: new Date('2021-01-10T15:00:00.000Z') },
  );
  if (maine.kind === 'honeypot') throw new Error('the fixture was taken for a bot');
  await decideAs(director, old.id, maine.applicationId, 'selected');
  await attendAs(director, old.id, old.meetings[0].id, { [maine.applicationId]: 'present' });

  const teams = {
    MI: await makeTeam('MI', 2),
    VI: await makeTeam('VI', 1),
    TX: await makeTeam('TX', 1),
    OH: await makeTeam('OH', 2),
    NV: await makeTeam('NV', 3),
  };
  const e2022 = await makeEvent(director, '2022-03-15');
  await attendEvent(director, e2022, [teams.MI, teams.VI]);
  const recent = await makeEvent(director, daysFromToday(-5));
  await attendEvent(director, recent, [teams.OH, teams.MI]);
  await makeEvent(director, daysFromToday(20));
  const cancelled = await makeEvent(director, daysFromToday(-3));
  await attendEvent(director, cancelled, [teams.TX]);
  await cancelEngagement(Number((await knex('network_events').where({ id: cancelled }).first()).engagement_id), {
    id: director.id,
    role: 'director',
  });

  const training = await openTraining(
    teams.NV,
    { title: 'Data training', needs: 'Two sessions.', topics: ['data-equity-audits'], preferred_format: 'online_training' },
    actor(director),
    CTX,
  );
  await assignConsultants(training, { lead_consultant_id: consultant.id }, { id: director.id, role: 'director' });
  const trainingDate = daysFromToday(-7);
  await storeEngagement(training, consultant, {
    status: 'delivered',
    date: trainingDate,
    summary: 'First session.',
    jurisdictions: ['NV'],
    participant_count: 3,
    format: 'online_training',
  });
  return { director, trainingDate };
}

describeEachEngine('Cohorts and the network in the reports', (ctx) => {
  const { app, config } = testApp();
  let raw: Raw;
  let agent: Agent;
  let trainingDate: string;

  before(async function () {
    this.timeout(60_000);
    const made = await fixture(ctx.db.knex, config);
    trainingDate = made.trainingDate;
    raw = await loadRaw(ctx.db.knex);
    agent = await signInAs(app, made.director);
  });

  const FILTERS: [string, Record<string, string>][] = [
    ['unfiltered', {}],
    ['by the National Cohort', { track: 'cohort' }],
    ['by the State Policy Network', { track: 'network' }],
    ['by technical assistance', { track: 'ta' }],
    ['by a territory served only through a cohort (PR)', { jurisdiction: 'PR' }],
    ['by a period covering 2021 and 2022', { from: '2021-01-01', to: '2022-12-31' }],
  ];
  for (const [name, query] of FILTERS) {
    it(`dashboardFigures, with cohort meetings and network events, ${name}, equals a recount of the raw rows`, async () => {
      const f = filtersOf(query);
      const now = new Date();
      const expected = recountDashboard(raw, f, { target: TARGET, now });
      assert.ok(expected.headline.engagements > 0, 'the recount finds delivered engagements');
      assert.deepStrictEqual(projectFigures(await dashboardFigures(f, { responseTargetBusinessDays: TARGET }, now)), expected);
    });
  }

  it('the states served through the cohorts and the network, recounted from attendance marks and attending teams, are exactly the coverage under each program filter', async () => {
    const served = await programServedDays(ctx.db.knex);
    const coverageOf = async (track: string) => {
      const figures = await dashboardFigures(filtersOf({ track }), { responseTargetBusinessDays: TARGET });
      return new Map(
        [...figures.states, ...figures.territories]
          .filter((j) => j.served)
          .map((j) => [j.code, [j.served!.first_served, j.served!.last_served]]),
      );
    };
    const span = (days: string[]) => [days[0], days[days.length - 1]];
    const cohortCodes = ['KY', 'ME', 'OH', 'PR'];
    const networkFromEvents = ['MI', 'OH', 'VI'];
    assert.deepEqual(
      [...(await coverageOf('cohort')).entries()].sort(),
      cohortCodes.map((c) => [c, span(served.cohort.get(c) ?? [])]),
    );
    const network = await coverageOf('network');
    assert.deepEqual([...network.keys()].sort(), ['MI', 'NV', 'OH', 'VI'], 'the events, and the training case for Nevada');
    for (const c of networkFromEvents) assert.deepEqual(network.get(c), span(served.network.get(c) ?? []), c);
    assert.deepEqual(network.get('NV'), [trainingDate, trainingDate]);
    for (const never of ['WY', 'TX']) {
      assert.ok(!served.cohort.has(never) && !served.network.has(never), `${never} attended nothing delivered`);
      const all = await dashboardFigures(filtersOf({}), { responseTargetBusinessDays: TARGET });
      assert.equal(all.states.find((s) => s.code === never)?.served, undefined, `${never} is not served`);
    }
  });

  for (const track of ['cohort', 'network']) {
    it(`GET /dashboard?track=${track}, shows the states served, the engagements and every coverage row equal to a recount`, async () => {
      const f: ReportFilters = filtersOf({ track });
      const expected = recountDashboard(raw, f, { target: TARGET, now: new Date() });
      const res = await agent.get(`/dashboard?${filterParams(f)}`);
      assert.equal(res.status, 200);
      const shown = readDashboard(res.text);
      assert.deepEqual(
        { statesServed: shown.statesServed, engagements: shown.engagements, hours: shown.hours, participants: shown.participants },
        {
          statesServed: expected.headline.statesServed,
          engagements: expected.headline.engagements,
          hours: expected.headline.hours,
          participants: expected.headline.participants,
        },
      );
      const byCode = (rows: { code: string }[]) => [...rows].sort((a, b) => (a.code < b.code ? -1 : 1));
      assert.equal(shown.rows.length, raw.jurisdictions.length, 'one row per state, DC and territory');
      assert.deepEqual(byCode(shown.rows), byCode(expectedRows(raw, expected.coverage)));
    });
  }

  for (const [code, how] of [
    ['KY', 'served only through a cohort meeting'],
    ['PR', 'a territory served only through a cohort meeting'],
    ['VI', 'a territory served only through a network event'],
    ['WY', 'whose participant was absent or excused at every meeting'],
    ['TX', 'waitlisted in the cohort and at a cancelled event only'],
  ]) {
    it(`GET /states/${code}, ${how}, shows the served dates, totals and engagements equal to a recount`, async () => {
      const expected = recountState(raw, code);
      const res = await agent.get(`/states/${code}`);
      assert.equal(res.status, 200);
      const shown = readStatePage(res.text);
      if (expected.served)
        assert.deepEqual(shown.served, { first: calendarDate(expected.served.first), last: calendarDate(expected.served.last) });
      else assert.ok(shown.notServed && shown.served === undefined, `${code} is shown as not served`);
      assert.deepEqual(shown.totals, expected.totals);
      assert.deepEqual(
        shown.engagements.map((e) => e.caseId),
        expected.engagements.map((e) => e.case_id),
      );
      assert.equal(Boolean(expected.served), ['KY', 'PR', 'VI'].includes(code));
    });
  }
});
