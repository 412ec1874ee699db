/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// The request form in a browser with JavaScript turned off: every page must work without it.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { RunningApp, describeInChromium, newPerson, startApp, submitForm } from '../helpers/browser';
import { assertErrorsTiedToFields, auditPage } from '../helpers/browser-a11y';

describeInChromium('The request form with JavaScript turned off, in Chromium against the built server', function () {
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async function () {
    this.timeout(90_000);
    app = await startApp();
    ({ context, page, problems } = await newPerson(app.baseUrl, { javaScriptEnabled: false }));
  });

  after(async function () {
    this.timeout(30_000);
    await context?.close();
    await app?.stop();
  });

  afterEach(function () {
    assert.equal(app.crashed(), undefined, 'the server is still running');
    assert.deepEqual(problems.splice(0), [], 'every stylesheet and image loaded');
  });

  it('The request form, with JavaScript turned off, sent without a topic answers 422 with the error summary, the message at the field and every value kept, and once corrected reaches the status page', async function () {
    this.timeout(60_000);
    await page.goto('/requests/new');
    // USWDS's script would have added a live character count under each limited field.
    assert.equal(await page.locator('.usa-character-count__status').count(), 0, 'no script ran on the page');
    await page.getByLabel('Your state or jurisdiction').selectOption('NH');
    await page.getByLabel('Your name').fill('Jordan Blake');
    await page.getByLabel('E-mail address').fill('jordan.blake@example.org');
    await page.getByLabel(/Phone number/).fill('603-555-0100');
    await page.getByLabel('Your title or role').fill('Executive director');
    await page.locator('label[for="field-organization_type-state_agency"]').click();
    await page.getByLabel('Name of your organization').fill('New Hampshire Department of Education');
    await page.locator('label[for="field-preferred_format-online_training"]').click();
    await page.getByLabel('A short title for your request').fill('Data audit training');
    await page.getByLabel('What you need', { exact: true }).fill('An online training on equity audits of our data.');
    await page.getByLabel(/Expected number of participants/).fill('12');
    await submitForm(page, () => page.getByRole('button', { name: 'Send request' }).click(), { status: 422, url: /\/requests$/ });

    assert.match(await page.title(), /^Error: /, 'the title says that something is wrong');
    const summary = page.locator('[data-error-summary]');
    assert.match((await summary.locator('h2').textContent()) ?? '', /There is a problem/);
    assert.deepEqual(await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#field-topics']);
    assert.match((await page.locator('#field-topics-error').textContent()) ?? '', /topic/i);
    assert.equal(await page.getByLabel('Your state or jurisdiction').inputValue(), 'NH');
    assert.equal(await page.getByLabel('Your name').inputValue(), 'Jordan Blake');
    assert.equal(await page.getByLabel(/Phone number/).inputValue(), '603-555-0100');
    assert.equal(await page.getByLabel('What you need', { exact: true }).inputValue(), 'An online training on equity audits of our data.');
    assert.equal(await page.getByLabel(/Expected number of participants/).inputValue(), '12');
    assert.ok(await page.locator('#field-organization_type-state_agency').isChecked());
    assert.ok(await page.locator('#field-preferred_format-online_training').isChecked());
    assert.equal(await assertErrorsTiedToFields(page, 'the 422 form without JavaScript'), 1, 'one message, at the topics');
    await auditPage(page, 'the request form with an error, without JavaScript', { javaScriptDisabled: true });

    // Corrected, it goes through.
    await page.locator('label[for="field-topics-data-equity-audits"]').click();
    await submitForm(page, () => page.getByRole('button', { name: 'Send request' }).click(), {
      status: 303,
      url: /\/status\/[A-Za-z0-9_-]+$/,
    });
    assert.match((await page.locator('h1').textContent()) ?? '', /^Request TA-\d{4}-0001$/);
    assert.match((await page.locator('.details-list').textContent()) ?? '', /Data use and equity audits/);
    await auditPage(page, 'the status page without JavaScript', { javaScriptDisabled: true });
  });
});
