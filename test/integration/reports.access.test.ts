import assert from 'node:assert/strict';
import request from 'supertest';
import { PROGRAM_START, dashboardFigures, parseReportFilters } from '../../server/services/report.service';
import { todayIn } from '../../server/services/time';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { calendarDate, parseCsv, csvBody, readDashboard, readEngagementList } from '../helpers/reports-pages';
import { deliveredIn } from '../helpers/reports-recount';
import { projectFigures, recountDashboard } from '../helpers/reports-recount-dashboard';

const PAGES = [
  '/dashboard',
  '/states/OH',
  '/reports/engagements',
  '/reports/coverage.csv',
  '/reports/engagements.csv',
  '/reports/cases.csv',
];

describeEachEngine('Report pages and exports: who may see them', () => {
  let app: ReturnType<typeof testApp>['app'];
  let consultant: Agent;
  let director: Agent;

  before(async () => {
    ({ app } = testApp());
    consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    director = await signInAs(app, await makeUser({ role: 'director' }));
  });

  for (const page of PAGES) {
    it(`GET ${page}, as a consultant, answers 403 and shows no report`, async () => {
      const res = await consultant.get(page);
      assert.equal(res.status, 403);
      assert.doesNotMatch(String(res.headers['content-type']), /text\/csv/);
      assert.ok(!csvBody(res).startsWith('\ufeff'));
      assert.doesNotMatch(res.text, /Coverage and activity|Delivered engagements|headline__figure/);
    });

    it(`GET ${page}, signed out, answers 401 and shows no report`, async () => {
      const res = await request(app).get(page);
      assert.equal(res.status, 401);
      assert.doesNotMatch(String(res.headers['content-type']), /text\/csv/);
      assert.doesNotMatch(res.text, /Coverage and activity|Delivered engagements|headline__figure/);
    });

    it(`GET ${page}, as a director, answers 200`, async () => {
      const res = await director.get(page);
      assert.equal(res.status, 200);
    });
  }
});

const SHAPE: Shape = {
  seed: 88,
  cases: 40,
  engagements: 150,
  consultants: 3,
  codes: ['OH', 'KY', 'DC', 'PR'],
  extraCodes: ['MI', 'VI'],
  multi: 0.3,
  cancelled: 0.1,
  scheduled: 0.1,
  from: '2016-06-01',
  now: '2025-10-01T15:00:00.000Z',
};

describeEachEngine('Report filters with values that make no sense', (ctx) => {
  let raw: Raw;
  let agent: Agent;
  const TZ = 'America/New_York';

  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, SHAPE);
    raw = await loadRaw(ctx.db.knex);
    const { app } = testApp();
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  const notices = (html: string) => {
    const alert = /<div class="usa-alert usa-alert--warning[^"]*" role="status">([\s\S]*?)<\/ul><\/div><\/div>/.exec(html);
    return alert ? [...alert[1].matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]) : [];
  };

  const BAD: { query: string; notice: RegExp; applied: () => { from: string; to: string } }[] = [
    {
      query: 'from=2020-02-30',
      notice: /“2020-02-30” is not a date; the period starts on 2017-01-01\./,
      applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }),
    },
    {
      query: 'to=2021-13-01',
      notice: /“2021-13-01” is not a date; the period ends today\./,
      applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }),
    },
    {
      query: 'from=2021-03-15&to=2019-07-01',
      notice: /The end of the period was before its start; the two were swapped\./,
      applied: () => ({ from: '2019-07-01', to: '2021-03-15' }),
    },
    { query: 'track=bogus', notice: /Unknown program “bogus”\./, applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }) },
    { query: 'format=telepathy', notice: /Unknown format “telepathy”\./, applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }) },
    { query: 'consultant=abc', notice: /Unknown consultant “abc”\./, applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }) },
    { query: 'jurisdiction=Ohio', notice: /Unknown jurisdiction “OHIO”\./, applied: () => ({ from: PROGRAM_START, to: todayIn(TZ) }) },
  ];

  for (const bad of BAD) {
    it(`GET /dashboard?${bad.query}, a value that makes no sense, answers 200 with a notice and the figures of the defaults`, async () => {
      const res = await agent.get(`/dashboard?${bad.query}`);
      assert.equal(res.status, 200);
      assert.ok(
        notices(res.text).some((n) => bad.notice.test(n)),
        `notices: ${notices(res.text).join(' | ')}`,
      );
      const f = bad.applied();
      assert.match(res.text, new RegExp(`${calendarDate(f.from)} to ${calendarDate(f.to)}`));
      const expected = recountDashboard(raw, f, { target: 5, now: new Date() });
      const shown = readDashboard(res.text);
      assert.deepStrictEqual(
        { statesServed: shown.statesServed, engagements: shown.engagements, hours: shown.hours, participants: shown.participants },
        {
          statesServed: expected.headline.statesServed,
          engagements: expected.headline.engagements,
          hours: expected.headline.hours,
          participants: expected.headline.participants,
        },
      );
      assert.ok(expected.headline.engagements > 0);
    });

    it(`GET /reports/engagements?${bad.query}, a value that makes no sense, answers 200 with a notice and the defaults' total`, async () => {
      const res = await agent.get(`/reports/engagements?${bad.query}`);
      assert.equal(res.status, 200);
      assert.ok(
        notices(res.text).some((n) => bad.notice.test(n)),
        `notices: ${notices(res.text).join(' | ')}`,
      );
      assert.equal(readEngagementList(res.text).total, deliveredIn(raw, bad.applied()).length);
    });
  }

  it('GET /reports/engagements.csv?track=bogus&from=2020-02-30, values that make no sense, answers 200 with the defaults’ rows', async () => {
    const res = await agent.get('/reports/engagements.csv?track=bogus&from=2020-02-30');
    assert.equal(res.status, 200);
    const rows = parseCsv(csvBody(res).slice(1)).slice(1);
    assert.equal(rows.length, deliveredIn(raw, { from: PROGRAM_START, to: todayIn(TZ) }).length);
  });

  it('GET /dashboard, with good filters, shows no notice', async () => {
    const res = await agent.get('/dashboard?from=2019-07-01&to=2021-03-15&track=ta');
    assert.equal(res.status, 200);
    assert.deepStrictEqual(notices(res.text), []);
  });

  it('dashboardFigures, under the filters parsed from nonsense, equals the recount of the defaults', async () => {
    const now = new Date(SHAPE.now);
    const { filters, problems } = parseReportFilters({ from: '2020-02-30', track: 'bogus', topic: 'Not A Slug!' }, TZ);
    assert.equal(problems.length, 3);
    assert.deepStrictEqual(filters, { from: PROGRAM_START, to: todayIn(TZ), timeZone: TZ });
    assert.deepStrictEqual(
      projectFigures(await dashboardFigures(filters, { responseTargetBusinessDays: 5 }, now)),
      recountDashboard(raw, filters, { target: 5, now }),
    );
  });
});
