// The API's documentation page in Chromium: Swagger UI, served by the app itself under its CSP,
// renders /api/v1/openapi.json with no console error and no axe violation.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, PHONE, RunningApp, describeInChromium, newPerson, startApp } from '../helpers/browser';
import { assertNoAxeViolations, auditPage } from '../helpers/browser-a11y';

describeInChromium('API documentation page, in Chromium against the built server', function () {
  let app: RunningApp;
  let visitor: { context: BrowserContext; page: Page; problems: string[] };

  before(async function () {
    this.timeout(120_000);
    app = await startApp();
    visitor = await newPerson(app.baseUrl);
  });

  after(async function () {
    this.timeout(30_000);
    await visitor?.context.close();
    await app?.stop();
  });

  it("GET /api/docs renders every operation of the document from the app's own Swagger UI, with zero axe violations and no console error, at 1280 and 375 pixels", async function () {
    this.timeout(60_000);
    const { page, problems } = visitor;
    const doc = (await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script' || r.resourceType() === 'stylesheet') scripts.push(new URL(r.url()).origin);
    });
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      const res = await page.goto('/api/docs');
      assert.equal(res?.status(), 200);
      assert.match(String(res?.headers()['content-security-policy']), /script-src 'self'(;|$)/, 'no unsafe-inline scripts');
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('.opblock').count(), operations, 'one block per operation');
      await auditPage(page, `/api/docs at ${size.width} pixels`);
    }
    // An operation opened, with its parameters, body and answers shown.
    await page.setViewportSize(DESKTOP);
    await page.locator('.opblock-summary-control', { hasText: '/api/v1/cases/{reference}/engagements' }).first().click();
    await page.locator('.opblock.is-open .parameters, .opblock.is-open .opblock-section').first().waitFor();
    await assertNoAxeViolations(page, '/api/docs with an operation open');
    assert.deepEqual([...new Set(scripts)], [app.baseUrl], 'scripts and styles come from the app itself (no CDN)');
    assert.deepEqual(problems.splice(0), [], 'no console error, blocked inline code or failed load');
  });

  it('the footer of the pages links to the documentation', async function () {
    const { page } = visitor;
    await page.goto('/');
    assert.equal(await page.locator('footer a[href="/api/docs"]').count(), 1);
  });
});
