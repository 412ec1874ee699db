// The journey's delivery phase: the requester answers, the consultant delivers and closes, the requester rates.
import assert from 'node:assert/strict';
import { isoDay, screenshot, submitForm } from './browser';
import { auditPage } from './browser-a11y';
import { EXPERT, Journey, REQUEST } from './journey-context';

/** The requester answers on the status page, the consultant delivers and completes, the requester rates the help. */
export function deliverySteps({ director, requester, consultant, state, needs, step }: Journey): void {
  step(
    'The requester, opening the status link, sees the consultant, the upcoming meeting and the message, and answers it',
    async function () {
      this.timeout(60_000);
      const statusUrl = needs('statusUrl', 'the request from the form');
      const { page } = requester;
      await page.goto(statusUrl);
      assert.match((await page.locator('.usa-summary-box').textContent()) ?? '', new RegExp(`Your consultant: ${EXPERT.name}`));
      const upcoming = page.locator('#upcoming-heading + ul li');
      assert.equal(await upcoming.count(), 1, 'one upcoming meeting');
      const when = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
        new Date(`${isoDay(14)}T00:00:00Z`),
      );
      assert.match((await upcoming.textContent()) ?? '', new RegExp(`${when}, 2:30 PM ET.*Small-group facilitation, 90 minutes`));
      assert.match(
        (await page.locator('#messages .message-list').textContent()) ?? '',
        new RegExp(`${EXPERT.name} \\(LEEP\\)[\\s\\S]*current draft of the plan`),
      );
      await auditPage(page, 'the status page with a consultant, a meeting and a message (phone)');
      await screenshot(page, 'status', 'phone');
      await screenshot(page, 'status', 'desktop');

      await page
        .getByLabel('Write to the LEEP team')
        .fill('Thank you! The draft is attached to the board packet; I will bring it to the meeting.');
      await submitForm(page, () => page.getByRole('button', { name: 'Send message' }).click(), { status: 303, url: /\?sent=1#messages$/ });
      assert.match((await page.locator('#messages [role="status"]').textContent()) ?? '', /Your message has been sent/);
      assert.match((await page.locator('#messages .message-list').textContent()) ?? '', /bring it to the meeting/);
      await auditPage(page, 'the status page after a message (phone)');
    },
  );

  step(
    'The consultant records the engagement as delivered today with a second state and completes the case with a closing summary',
    async function () {
      this.timeout(60_000);
      const editUrl = needs('engagementEditUrl', 'the scheduled engagement');
      const caseUrl = needs('caseUrl', 'the assignment');
      const { page } = consultant;
      await page.goto(editUrl);
      await auditPage(page, 'the engagement edit form');
      await page.locator('label[for="field-status-delivered"]').click();
      await page.getByLabel('Date', { exact: true }).fill(isoDay(0));
      await page.locator('label[for="field-jurisdictions-NH"]').click();
      await page.getByLabel('Summary notes').fill('Walked the board through an equity lens for each goal of the plan.');
      await submitForm(page, () => page.getByRole('button', { name: 'Save changes' }).click(), {
        status: 303,
        url: /\?saved=1#engagements$/,
      });
      assert.equal(page.url().replace(/[?#].*$/, ''), caseUrl, 'back on the case');
      const row = page.locator('#engagements tbody tr').first();
      const rowText = (await row.textContent()) ?? '';
      assert.match(rowText, /Delivered/);
      assert.match(rowText, /New Hampshire/);
      assert.match(rowText, /Vermont/);
      assert.match(
        (await page.locator('#status-heading').textContent()) ?? '',
        /In progress/,
        'the first delivered engagement starts the case',
      );
      state.delivered = true;

      const complete = page.locator('#status form').filter({ has: page.getByRole('button', { name: 'Complete' }) });
      await complete.getByLabel('Closing summary').fill('The board adopted equity goals in its strategic plan.');
      await submitForm(page, () => complete.getByRole('button', { name: 'Complete' }).click(), { status: 303, url: /\?saved=1#status$/ });
      assert.match((await page.locator('#status-heading').textContent()) ?? '', /Status: Completed/);
      await auditPage(page, 'the completed case (consultant)');
      state.completed = true;
    },
  );

  step(
    'The requester, back on the status page, sees the case completed and the meeting no longer upcoming, and rates the help, which the staff then see on the case',
    async function () {
      this.timeout(60_000);
      const statusUrl = needs('statusUrl', 'the request from the form');
      needs('completed', 'the completed case');
      const { page } = requester;
      await page.goto(statusUrl);
      assert.match((await page.locator('#status-heading').textContent()) ?? '', /Status: Completed/);
      assert.equal(await page.locator('#upcoming-heading').count(), 0, 'a completed case shows no upcoming meetings');
      const feedback = page.locator('#feedback form');
      await feedback.waitFor();
      await auditPage(page, 'the status page with the feedback form (phone)');

      await page.locator('label[for="field-quality-5"]').click();
      await page.locator('label[for="field-relevance-4"]').click();
      await page.locator('label[for="field-usefulness-5"]').click();
      await feedback.getByLabel(/Comment/).fill('Clear, practical and kind.');
      await submitForm(page, () => feedback.getByRole('button', { name: 'Send feedback' }).click(), {
        status: 303,
        url: /\?thanks=1#feedback$/,
      });
      assert.match((await page.locator('#feedback').textContent()) ?? '', /Thank you: your feedback has been received/);
      assert.equal(await page.locator('#feedback form').count(), 0, 'the form is gone once answered');
      await auditPage(page, 'the status page after feedback (phone)');

      // The staff see the answer and the requester's message on the case.
      await director.page.goto(needs('caseUrl', 'the assignment'));
      assert.match(
        (await director.page.locator('.details-list').textContent()) ?? '',
        /Quality 5, relevance 4, usefulness 5[\s\S]*Clear, practical and kind/,
      );
      assert.match(
        (await director.page.locator('#messages .message-list').textContent()) ?? '',
        new RegExp(`${REQUEST.name} \\(requester\\)[\\s\\S]*bring it to the meeting`),
      );
    },
  );
}
