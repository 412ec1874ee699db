import assert from 'node:assert/strict';
import { ForbiddenError } from '../../server/errors';
import { casesExport, casesPage, deliveredEngagementsExport, deliveredEngagementsPage } from '../../server/services/export.service';
import { coverageReport, dashboardReport, parseReportFilters } from '../../server/services/report.service';
import { stateHistory } from '../../server/services/state.service';
import { describeEachEngine } from '../helpers/db';

/** The services of the reports refuse a reader who is not a director, whoever calls them (web, API, CLI). */
describeEachEngine('Report services: only directors read them', () => {
  const consultant = { role: 'consultant' as const };
  const director = { role: 'director' as const };
  const filters = parseReportFilters({}, 'America/New_York').filters;
  const config = { responseTargetBusinessDays: 5 };

  it('dashboardReport and coverageReport, for a consultant, refuse with ForbiddenError', async () => {
    await assert.rejects(dashboardReport(consultant, filters, config), ForbiddenError);
    await assert.rejects(coverageReport(consultant, filters), ForbiddenError);
  });

  it('deliveredEngagementsPage and casesPage, for a consultant, refuse with ForbiddenError', async () => {
    await assert.rejects(deliveredEngagementsPage(consultant, filters, { page: 1, perPage: 10 }), ForbiddenError);
    await assert.rejects(casesPage(consultant, filters, { page: 1, perPage: 10 }), ForbiddenError);
  });

  it('deliveredEngagementsExport and casesExport, for a consultant, refuse before reading a row', () => {
    assert.throws(() => deliveredEngagementsExport(consultant, filters), ForbiddenError);
    assert.throws(() => casesExport(consultant, filters), ForbiddenError);
  });

  it('stateHistory, for a consultant, refuses with ForbiddenError', async () => {
    await assert.rejects(stateHistory(consultant, 'OH'), ForbiddenError);
  });

  it('the same services, for a director, answer (an empty database gives empty lists)', async () => {
    assert.deepEqual(await deliveredEngagementsPage(director, filters, { page: 1, perPage: 10 }), {
      rows: [],
      total: 0,
      page: 1,
      pages: 1,
    });
    assert.equal((await casesPage(director, filters, { page: 3, perPage: 10, lastIfPast: true })).page, 1);
    const rows = [];
    for await (const row of casesExport(director, filters)) rows.push(row);
    assert.deepEqual(rows, []);
    assert.equal((await stateHistory(director, 'OH'))?.jurisdiction.code, 'OH');
    assert.equal((await coverageReport(director, filters)).headline.engagements, 0);
  });
});
