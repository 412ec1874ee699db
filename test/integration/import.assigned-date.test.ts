import assert from 'node:assert/strict';
import { importCsv } from '../../server/services/import.service';
import { dashboardFigures, parseReportFilters } from '../../server/services/report.service';
import { feedbackSummary } from '../../server/queries/feedback.queries';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { DOCUMENTED_COLUMNS, Row, caseOnly, toCsv, uniqueTag } from '../helpers/importing-csv';

const ZONE = 'America/New_York';
const COLUMNS = [...DOCUMENTED_COLUMNS, 'assigned_date'];

/** A completed case with one delivered engagement, led by `lead`, optionally with an assignment date. */
function history(key: string, lead: string, submitted: string, assigned: string | undefined, delivered: string): Row[] {
  const base = caseOnly(key, { submitted_date: submitted, case_status: 'completed', lead_consultant_email: lead }) as Record<
    string,
    string
  >;
  if (assigned) base.assigned_date = assigned;
  return [
    {
      ...base,
      engagement_date: delivered,
      start_time: '10:00',
      duration_minutes: '60',
      format: 'one_on_one',
      engagement_status: 'delivered',
      participant_count: '3',
      participant_jurisdictions: 'OH',
      consultant_emails: lead,
      engagement_topics: '',
      summary: 'Met the board.',
    },
  ];
}

describeEachEngine('Importing history with and without assigned_date', (t) => {
  const { app } = testApp();
  const filters = parseReportFilters({ from: '2018-01-01', to: '2018-12-31' }, ZONE).filters;
  let lead: string;

  before(async () => {
    lead = (await makeUser({ role: 'consultant' })).email;
  });

  it('importCsv, without an assigned_date column, leaves every imported case out of the assignment figures and counts them', async () => {
    const rows = [
      history(uniqueTag(), lead, '2018-03-05', undefined, '2018-03-20'),
      history(uniqueTag(), lead, '2018-04-02', undefined, '2018-04-30'),
    ].flat();
    const result = await importCsv(toCsv(rows), { dryRun: false, timeZone: ZONE });
    assert.deepEqual(result.problems, []);
    assert.equal(result.created.cases, 2);
    const cases = await t.db.knex('cases').where({ source: 'import' }).select('first_assigned_at', 'assignment_business_days');
    assert.ok(cases.every((c) => c.first_assigned_at === null && c.assignment_business_days === null));
    const f = await dashboardFigures(filters, { responseTargetBusinessDays: 5 });
    assert.equal(f.response.assignedCount, 0, 'no assignment figure is made up from the submission time');
    assert.equal(f.response.assigned, 0);
    assert.equal(f.response.withinShare, null, 'not "100% within target"');
    assert.equal(f.response.assignmentUnknown, 2);
    assert.equal(f.response.engagedCount, 2, 'the first delivered engagement is known from the engagements');
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const page = await agent.get('/dashboard?from=2018-01-01&to=2018-12-31');
    assert.match(page.text, /2 imported cases have no assignment date and are left out of the assignment figures/);
  });

  it('importCsv, with assigned_date, counts the assignment time and its business days in the program time zone', async () => {
    // Friday 2018-06-29 to Thursday 2018-07-05: July 4 is a holiday, so 3 business days (Jul 2, 3, 5).
    // Monday 2018-08-06 to Thursday 2018-08-16: 8 business days, past the target of 5.
    const rows = [
      history(uniqueTag(), lead, '2018-06-29', '2018-07-05', '2018-07-20'),
      history(uniqueTag(), lead, '2018-08-06', '2018-08-16', '2018-08-30'),
    ].flat();
    const result = await importCsv(toCsv(rows, { columns: COLUMNS }), { dryRun: false, timeZone: ZONE });
    assert.deepEqual(result.problems, []);
    const dated = await t.db
      .knex('cases')
      .where({ source: 'import' })
      .whereNotNull('first_assigned_at')
      .orderBy('submitted_at')
      .select('assignment_business_days', 'first_assigned_at', 'submitted_at');
    assert.deepEqual(
      dated.map((c) => Number(c.assignment_business_days)),
      [3, 8],
    );
    const f = await dashboardFigures(filters, { responseTargetBusinessDays: 5 });
    assert.equal(f.response.assignedCount, 2);
    assert.equal(f.response.assigned, 2);
    assert.equal(f.response.withinTarget, 1);
    assert.equal(f.response.withinShare, 50);
    assert.equal(f.response.assignmentUnknown, 2, 'the two cases of the first file are still left out, and said so');
    // Nearest-rank median of the two lags (6 and 10 days) is the smaller one.
    assert.equal(f.response.assignMedianDays, 6);
    assert.equal(f.response.assignP90Days, 10);
  });

  it('importCsv, with an assigned_date before the submission or without a lead, refuses the row naming the column and writes nothing', async () => {
    const before = Number((await t.db.knex('cases').count({ n: '*' }))[0].n);
    const early = caseOnly(uniqueTag(), { submitted_date: '2018-05-10', lead_consultant_email: lead }) as Record<string, string>;
    early.assigned_date = '2018-05-01';
    const leaderless = caseOnly(uniqueTag(), { submitted_date: '2018-05-10' }) as Record<string, string>;
    leaderless.assigned_date = '2018-05-12';
    const far = caseOnly(uniqueTag(), { submitted_date: '2018-05-10', lead_consultant_email: lead }) as Record<string, string>;
    far.assigned_date = '9999-01-01';
    const result = await importCsv(toCsv([early, leaderless, far] as Row[], { columns: COLUMNS }), { dryRun: false, timeZone: ZONE });
    assert.deepEqual(
      result.problems.map((p) => [p.row, p.column]),
      [
        [2, 'assigned_date'],
        [3, 'assigned_date'],
        [4, 'assigned_date'],
      ],
    );
    assert.equal(Number((await t.db.knex('cases').count({ n: '*' }))[0].n), before);
  });

  it('feedbackSummary, for completed imported cases, never counts them as not answered', async () => {
    const f = await feedbackSummary(parseReportFilters({ from: '2018-01-01' }, ZONE).filters, 'all');
    const completedImported = Number((await t.db.knex('cases').where({ source: 'import', status: 'completed' }).count({ n: '*' }))[0].n);
    assert.equal(completedImported, 4);
    assert.equal(f[0].completed, 0, 'imported requesters were never asked');
    assert.equal(f[0].answered, 0);
  });
});
