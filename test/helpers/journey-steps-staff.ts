/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// The journey's staff phase: the director assigns the request, the consultant schedules an engagement.
import assert from 'node:assert/strict';
import { isoDay, screenshot, submitForm } from './browser';
import { auditPage } from './browser-a11y';
import { DIRECTOR, EXPERT, Journey } from './journey-context';

/** The director triages and assigns; the consultant signs in, schedules and writes to the requester. */
export function staffSteps({ director, consultant, state, needs, step }: Journey): void {
  step(
    'The director signs in, finds the new request on the triage page and assigns the first suggested consultant, who has the matching expertise',
    async function () {
      this.timeout(60_000);
      const reference = needs('reference', 'the request from the form');
      const { page } = director;
      await page.goto('/');
      await Promise.all([page.waitForURL('**/login'), page.getByRole('link', { name: 'Staff sign-in' }).click()]);
      await page.getByLabel('E-mail address').fill(DIRECTOR.email);
      await page.getByLabel('Password').fill(DIRECTOR.password);
      await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 303, url: /\/cases$/ });
      await Promise.all([
        page.waitForURL('**/cases/triage'),
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Triage' }).click(),
      ]);
      await auditPage(page, 'the triage page');
      const row = page.locator('tbody tr').filter({ hasText: reference });
      await Promise.all([page.waitForURL(/\/cases\/\d+#assignment$/), row.getByRole('link', { name: /Review and assign/ }).click()]);
      await auditPage(page, 'the case page of a new request (director)');

      const first = page.locator('#assignment .usa-radio').first();
      const label = (await first.locator('label').textContent()) ?? '';
      assert.match(label, /Suggested/, 'the first consultant is marked as suggested');
      assert.match(label, new RegExp(EXPERT.name), 'the suggestion is the consultant with the expertise');
      assert.match(label, /Expertise in Applying an equity lens to policy/);
      state.expertId = (await first.locator('input').getAttribute('value')) ?? undefined;
      await first.locator('label').click();
      await submitForm(page, () => page.getByRole('button', { name: 'Save assignment' }).click(), {
        status: 303,
        url: /\?saved=1#assignment$/,
      });
      assert.match((await page.locator('.usa-intro').first().textContent()) ?? '', new RegExp(`Assigned · Lead: ${EXPERT.name}`));
      await auditPage(page, 'the case page after assignment (director)');
      state.caseUrl = page.url().replace(/[?#].*$/, '');
    },
  );

  step(
    'The assigned consultant, after one wrong password, signs in, lands on My work, schedules an engagement for two weeks ahead and writes to the requester',
    async function () {
      this.timeout(60_000);
      const reference = needs('reference', 'the request from the form');
      const caseUrl = needs('caseUrl', 'the assignment');
      const { page } = consultant;
      await page.goto('/login');
      await auditPage(page, 'the sign-in page');
      await page.getByLabel('E-mail address').fill(EXPERT.email);
      await page.getByLabel('Password').fill('not the password at all');
      await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 401, url: /\/login$/ });
      await page.waitForFunction(() => document.activeElement?.matches('[data-error-summary]'));
      await auditPage(page, 'the failed sign-in (401)');
      assert.equal(await page.getByLabel('E-mail address').inputValue(), EXPERT.email, 'the e-mail address is kept');

      await page.getByLabel('Password').fill(EXPERT.password);
      await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 303, url: /\/my-work$/ });
      await auditPage(page, 'My work');
      const caseLink = page.locator('#cases-heading + table').getByRole('link', { name: reference });
      await Promise.all([page.waitForURL(caseUrl), caseLink.click()]);
      await auditPage(page, 'the case page (consultant)');

      await Promise.all([page.waitForURL('**/engagements/new'), page.getByRole('link', { name: 'Add an engagement' }).click()]);
      await auditPage(page, 'the new-engagement form');
      assert.ok(await page.locator('#field-status-scheduled').isChecked(), 'a new engagement starts as scheduled');
      assert.ok(await page.locator('#field-jurisdictions-VT').isChecked(), "the case's state is checked");
      await page.getByLabel('Date', { exact: true }).fill(isoDay(14));
      await page.getByLabel(/Start time/).fill('14:30');
      await page.getByLabel('Duration in minutes').fill('90');
      await page.locator('label[for="field-format-small_group"]').click();
      await page.getByLabel('Number of participants').fill('6');
      await submitForm(page, () => page.getByRole('button', { name: 'Add engagement' }).click(), {
        status: 303,
        url: /\?saved=1#engagements$/,
      });
      const engagementRow = page.locator('#engagements tbody tr').first();
      assert.match((await engagementRow.textContent()) ?? '', /Scheduled/);
      state.engagementEditUrl = (await engagementRow.getByRole('link', { name: /^Edit/ }).getAttribute('href')) ?? undefined;

      await page
        .getByLabel('Message to the requester')
        .fill('Hello Sam, I look forward to our first meeting. Could you send the current draft of the plan?');
      await submitForm(page, () => page.getByRole('button', { name: 'Send to requester' }).click(), {
        status: 303,
        url: /\?saved=1#messages$/,
      });
      assert.match((await page.locator('#messages .message-list').textContent()) ?? '', /current draft of the plan/);
      await auditPage(page, 'the case page with an engagement and a message (consultant)');

      await page.goto('/my-work');
      assert.match(
        (await page.locator('#upcoming-heading + ul').textContent()) ?? '',
        new RegExp(reference),
        'the engagement is upcoming on My work',
      );
      await auditPage(page, 'My work with an upcoming engagement');
      await screenshot(page, 'my-work', 'desktop');
      await screenshot(page, 'my-work', 'phone');
    },
  );
}
