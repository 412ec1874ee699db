/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// The journey's report phase: what the director sees counted once the help has been delivered.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { isoDay, screenshot } from './browser';
import { auditPage } from './browser-a11y';
import { EXPERT, Journey } from './journey-context';

/** The director finds the delivered engagement on the dashboard, the state page, the CSV exports and the case. */
export function reportSteps({ director, needs, step }: Journey): void {
  step(
    'The director sees both states served on the dashboard, the engagement on the state page and in the CSV exports, and the closing summary on the case',
    async function () {
      this.timeout(60_000);
      const reference = needs('reference', 'the request from the form');
      const caseUrl = needs('caseUrl', 'the assignment');
      needs('delivered', 'the delivered engagement');
      const { page } = director;
      await page.goto('/dashboard');
      await auditPage(page, 'the dashboard');
      const headline = page.locator('.headline__figure').first();
      assert.equal(((await headline.textContent()) ?? '').replace(/\s+/g, ' ').trim(), '2 of 51', 'two states served of 50 and DC');
      // The map's colours say nothing a table does not also say in words.
      const map = page.locator('#coverage svg');
      assert.equal(await map.getAttribute('role'), 'img', 'the map is one image to assistive technology');
      assert.match((await map.locator('title').first().textContent()) ?? '', /Map of the states/, 'with a name');
      const coverageRows = page.locator('table.coverage-table tbody tr');
      assert.equal(await coverageRows.count(), 51);
      const served = await coverageRows.evaluateAll((rows) =>
        rows
          .filter((r) => r.querySelectorAll('td')[0]?.textContent?.trim() === 'Yes')
          .map((r) => r.querySelector('th')?.textContent?.trim()),
      );
      assert.deepEqual(served.sort(), ['New Hampshire', 'Vermont']);
      await screenshot(page, 'dashboard', 'desktop', { maxHeight: 2000 });
      await screenshot(page, 'dashboard', 'phone', { maxHeight: 6000 });

      await Promise.all([
        page.waitForURL('**/states/NH'),
        page.locator('table.coverage-table').getByRole('link', { name: 'New Hampshire' }).click(),
      ]);
      await auditPage(page, 'the state page of New Hampshire');
      const engagement = page.locator('tbody tr').filter({ hasText: reference });
      assert.equal(await engagement.count(), 1, 'the engagement is on the state page');
      assert.match((await engagement.textContent()) ?? '', /Delivered/);

      const engagementsCsv = await page.request.get('/reports/engagements.csv');
      assert.equal(engagementsCsv.status(), 200);
      const rows = parse(await engagementsCsv.text(), { columns: true, bom: true }) as Record<string, string>[];
      const ours = rows.filter((r) => r['Case reference'] === reference);
      assert.equal(ours.length, 1, 'the engagement is in engagements.csv');
      assert.equal(ours[0].Status, 'Delivered');
      assert.equal(ours[0].Date, isoDay(0));
      assert.equal(ours[0]['Duration (minutes)'], '90');
      assert.match(ours[0]['States and jurisdictions'], /NH|New Hampshire/);
      assert.match(ours[0]['States and jurisdictions'], /VT|Vermont/);
      assert.match(ours[0].Consultants, new RegExp(EXPERT.name));

      const coverageCsv = await page.request.get('/reports/coverage.csv');
      assert.equal(coverageCsv.status(), 200);
      const coverage = parse(await coverageCsv.text(), { columns: true, bom: true }) as Record<string, string>[];
      assert.deepEqual(
        coverage
          .filter((r) => r.Served === 'Yes')
          .map((r) => r.Code)
          .sort(),
        ['NH', 'VT'],
      );
      assert.equal(coverage.find((r) => r.Code === 'NH')?.['Last served'], isoDay(0));

      await page.goto(caseUrl);
      assert.match(
        (await page.locator('.details-list').textContent()) ?? '',
        /The board adopted equity goals/,
        'the closing summary is on the case',
      );
      await auditPage(page, 'the completed case (director)');
      await screenshot(page, 'case', 'desktop');
      await screenshot(page, 'case', 'phone');
    },
  );
}
