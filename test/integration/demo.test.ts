import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { generateDemo } from '../../seeds/demo';
import { knexConfig, useDatabase } from '../../server/db';
import { dashboardFigures } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { type Run, runTsx } from '../helpers/child';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine, freshDatabase } from '../helpers/db';
import { digestTables, loadRaw } from '../helpers/reports-raw';
import { projectFigures, recountDashboard } from '../helpers/reports-recount-dashboard';
import { readDashboard } from '../helpers/reports-pages';

// The sizes of `npm run demo` (server/demo.ts), on a fixed day.
const DEMO = {
  cases: 300,
  engagements: 1260,
  consultants: 12,
  jurisdictions: 16,
  seed: 2017,
  today: '2026-11-23',
  passwordHash: 'not-a-real-hash',
  details: true,
};
// `npm run demo` also makes the programs through the services (random links, the real today).
const PROGRAMS = { secret: 'test-secret-for-the-demo-programs-000', timeZone: 'America/New_York' };
const PERIOD = { from: '2017-01-01', to: DEMO.today };
const TABLES = [
  { name: 'cases', orderBy: ['id'] },
  { name: 'engagements', orderBy: ['id'] },
  { name: 'engagement_jurisdictions', orderBy: ['engagement_id', 'jurisdiction_code'] },
];

describeEachEngine('Demo data (generateDemo at the sizes of npm run demo)', (ctx) => {
  let result: Awaited<ReturnType<typeof generateDemo>>;

  before(async function () {
    this.timeout(60_000);
    result = await generateDemo(ctx.db.knex, { ...DEMO, programs: PROGRAMS });
  });

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await ctx.db.knex(table).where(where).count({ n: '*' }))[0].n);

  it('generateDemo, into a fresh database, loads a history of 300 cases and 1,260 engagements', async () => {
    assert.equal(result.cases, 300);
    assert.equal(result.engagements, 1260);
    assert.equal(Number((await ctx.db.knex('cases').where('id', '<=', 300).count({ n: '*' }))[0].n), 300);
    assert.equal(Number((await ctx.db.knex('engagements').where('case_id', '<=', 300).count({ n: '*' }))[0].n), 1260);
  });

  it('generateDemo, with the programs, reports non-empty cohorts, network, triage, feedback, messages and notes, and the database holds what it reports', async () => {
    const p = result.programs;
    assert.ok(p, 'the programs were made');
    assert.deepEqual(
      { cohorts: p.cohorts, teams: p.teams, events: p.events, newRequests: p.newRequests },
      { cohorts: 2, teams: 6, events: 4, newRequests: 6 },
    );
    for (const [name, n] of Object.entries(p)) assert.ok(n > 0, `${name} is not empty`);
    assert.equal(await count('cohorts'), p.cohorts);
    assert.equal(await count('applications'), p.applications);
    assert.equal(await count('application_reviews'), p.reviews);
    assert.equal(await count('applications', { decision: 'selected' }), p.selected);
    assert.equal(await count('meeting_attendances'), p.attendanceMarks);
    assert.equal(await count('assignment_completions'), p.completions);
    assert.equal(await count('network_teams'), p.teams);
    assert.ok((await count('network_team_members')) >= 2 * p.teams, 'every team has members');
    assert.equal(await count('network_events'), p.events);
    assert.equal(await count('feedback'), p.feedback);
    assert.equal(await count('case_messages'), result.messages);
    assert.equal(await count('case_notes'), result.notes);
    assert.ok(result.messages > 0 && result.notes > 0);
    // This year's cohort waits on its reviewers: consultant1 (the sign-in the demo prints) has applications to score.
    const consultant1 = await ctx.db.knex('users').where({ email: 'consultant1@leep.example' }).first('id');
    assert.ok(await count('cohort_reviewers', { user_id: consultant1.id }), 'consultant1 reviews a cohort');
    assert.ok((await count('application_reviews')) < (await count('applications')) * 3, 'some applications wait for their reviews');
  });

  it('GET /cases/triage, /cohorts, /network and /dashboard, on the demo data, show requests waiting (some overdue), both cohorts, the teams and survey answers', async () => {
    const { app } = testApp();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const triage = await agent.get('/cases/triage');
    assert.equal(triage.status, 200);
    assert.match(triage.text, /Overdue/);
    const cohorts = await agent.get('/cohorts');
    assert.equal((cohorts.text.match(/National Cohort 20\d\d/g) ?? []).length >= 2, true, 'both cohorts are listed');
    const network = await agent.get('/network');
    assert.equal(network.status, 200);
    assert.match(network.text, /Expert talk: funding formulas/);
    const dashboard = await agent.get('/dashboard?from=2017-01-01');
    assert.equal(dashboard.status, 200);
    const answered = /<strong>(\d+) of \d+<\/strong> completed cases answered the survey/.exec(dashboard.text);
    assert.ok(answered && Number(answered[1]) > 0, 'survey answers are counted');
  });

  it('generateDemo, run again into two fresh databases, writes the same history of cases, engagements and engagement jurisdictions', async function () {
    this.timeout(90_000);
    const [one, two] = [await freshDatabase(ctx.engine), await freshDatabase(ctx.engine)];
    try {
      await generateDemo(one.knex, DEMO);
      await generateDemo(two.knex, DEMO);
      const [a, b] = await Promise.all([digestTables(one.knex, TABLES), digestTables(two.knex, TABLES)]);
      assert.equal(b, a);
    } finally {
      await one.destroy();
      await two.destroy();
      useDatabase(ctx.db.knex);
    }
  });

  it('generateDemo, into a database that already has cases, throws and adds nothing', async () => {
    await assert.rejects(generateDemo(ctx.db.knex, DEMO), /already has cases/);
    assert.equal(Number((await ctx.db.knex('cases').where('id', '<=', 300).count({ n: '*' }))[0].n), 300);
    assert.equal(
      Number(
        (
          await ctx.db
            .knex('cases')
            .where('id', '>', 300 + 20)
            .count({ n: '*' })
        )[0].n,
      ),
      0,
      'only the programs’ few cases follow the history',
    );
    assert.equal(Number((await ctx.db.knex('users').where({ email: 'director@leep.example' }).count({ n: '*' }))[0].n), 1);
  });

  it('dashboardFigures, on the demo data since 2017, shows 16 jurisdictions served (15 states and DC), growing year by year to 16', async () => {
    const figures = await dashboardFigures(PERIOD, { responseTargetBusinessDays: 5 }, new Date(`${DEMO.today}T17:00:00.000Z`));
    assert.equal(figures.headline.statesServed, 16);
    assert.deepStrictEqual(figures.headline.territoriesServed, []);
    const served = figures.states.filter((s) => s.served).map((s) => s.code);
    assert.ok(served.includes('DC'));
    assert.equal(served.filter((c) => c !== 'DC').length, 15);
    assert.deepStrictEqual([...served].sort(), result.served);
    assert.deepStrictEqual(
      figures.years.map((y) => y.year),
      [2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026],
    );
    for (let i = 1; i < figures.years.length; i += 1)
      assert.ok(figures.years[i].cumulative >= figures.years[i - 1].cumulative, `${figures.years[i].year}`);
    assert.equal(figures.years[figures.years.length - 1].cumulative, 16);
    assert.ok(figures.years.filter((y) => y.newly > 0).length >= 5, 'jurisdictions join over several years');
  });

  it('dashboardFigures, on the demo data since 2017, equals a recount of the raw rows', async () => {
    const now = new Date(`${DEMO.today}T17:00:00.000Z`);
    const raw = await loadRaw(ctx.db.knex);
    assert.deepStrictEqual(
      projectFigures(await dashboardFigures(PERIOD, { responseTargetBusinessDays: 5 }, now)),
      recountDashboard(raw, PERIOD, { target: 5, now }),
    );
  });

  it('GET /dashboard, on the demo data since 2017, shows 16 of 51 served and a cumulative column that reaches 16', async () => {
    const { app } = testApp();
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const res = await agent.get(`/dashboard?from=${PERIOD.from}&to=${PERIOD.to}`);
    assert.equal(res.status, 200);
    const shown = readDashboard(res.text);
    assert.equal(shown.statesServed, 16);
    assert.equal(shown.statesTotal, 51);
    assert.equal(shown.rows.filter((r) => r.served).length, 16);
    assert.equal(shown.years.length, 10);
    assert.equal(shown.years[shown.years.length - 1].cumulative, 16);
    for (let i = 1; i < shown.years.length; i += 1) assert.ok(shown.years[i].cumulative >= shown.years[i - 1].cumulative);
  });
});

/** Runs `tsx server/cli.ts …` with its own DATA_DIR and no DATABASE_URL, as a person would from the checkout. */
function cli(args: string[], dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return runTsx('server/cli.ts', args, env);
}

describe('Command line: seed:demo [sqlite]', function () {
  this.timeout(60_000);
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-seed-demo-'));
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const countsIn = async () => {
    const knex = knexFactory(knexConfig(path.join(dataDir, 'leep.sqlite3')));
    try {
      const count = async (table: string) => Number((await knex(table).count({ n: '*' }))[0].n);
      return {
        cases: await count('cases'),
        engagements: await count('engagements'),
        users: await count('users'),
        cohorts: await count('cohorts'),
        teams: await count('network_teams'),
      };
    } finally {
      await knex.destroy();
    }
  };

  it('seed:demo --cases 60, on an empty database, exits 0, says what it made and stores it', async () => {
    const run = await cli(['seed:demo', '--cases', '60'], dataDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Demo data: 60 cases, 252 engagements, \d+ jurisdictions served, 2 National Cohorts \(23 applications, \d+ reviews, 8 selected, 32 attendance marks, \d+ assignments completed\), 6 State Policy Network teams and 4 events, \d+ survey answers, 6 new requests in triage, \d+ messages and \d+ notes, in \d+\.\d s\.$/m,
    );
    const counts = await countsIn();
    assert.deepStrictEqual({ users: counts.users, cohorts: counts.cohorts, teams: counts.teams }, { users: 13, cohorts: 2, teams: 6 });
    // The history, then the programs' cases (two cohorts, the network's by year, six requests) and meetings and events.
    assert.ok(counts.cases >= 60 + 2 + 1 + 6 && counts.cases <= 60 + 2 + 2 + 6, `${counts.cases} cases`);
    assert.equal(counts.engagements, 252 + 8 + 4);
  });

  it('seed:demo, run again on the same database, exits non-zero with a clear message and adds nothing', async () => {
    const before = await countsIn();
    assert.equal(before.cohorts, 2, 'the first run left its data');
    const run = await cli(['seed:demo', '--cases', '60'], dataDir);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /The database already has cases; demo data goes into an empty database\./);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'a message, not a stack trace');
    assert.deepStrictEqual(await countsIn(), before);
  });
});
