/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// The named steps of test/e2e/journey.test.ts: one request's whole life in Chromium, each step
// continuing the one before it (they share the people and what each step leaves in `state`).
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { isoDay, screenshot, submitForm } from './browser';
import { assertFocusVisible, assertSkipLinkWorks, auditPage, tabTo } from './browser-a11y';

const DIRECTOR = { name: 'Morgan Ellis', email: 'morgan.ellis@nasbe.example', password: 'lantern orchard velvet 42' };
// The expert's name sorts after the other's, so she comes first only because of her expertise.
const EXPERT = { name: 'Tamsin Okafor', email: 'tamsin.okafor@nasbe.example', password: 'granite meadow compass 17', topic: 'equity-lens' };
const OTHER = { name: 'Alex Moreno', email: 'alex.moreno@nasbe.example', password: 'harbor violet thimble 88', topic: 'early-learning' };

const REQUEST = {
  name: 'Sam Rivera',
  role: 'Board member',
  organization: 'Vermont State Board of Education',
  needs: 'The board is revising its strategic plan.\nWe would like an expert to help us apply an equity lens to it.',
  title: 'Equity lens for our strategic plan',
};

export interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** The steps of the journey, in order, for these three people (each a browser context of its own). */
export function journeySteps(
  director: Person,
  requester: Person,
  consultant: Person,
): { title: string; run: (this: Mocha.Context) => Promise<void> }[] {
  const state: {
    reference?: string;
    statusUrl?: string;
    caseUrl?: string;
    engagementEditUrl?: string;
    delivered?: boolean;
    completed?: boolean;
    expertId?: string;
  } = {};
  const needs = <K extends keyof typeof state>(key: K, step: string): NonNullable<(typeof state)[K]> => {
    assert.ok(state[key], `this step needs ${step}, which did not complete`);
    return state[key];
  };

  const steps: { title: string; run: (this: Mocha.Context) => Promise<void> }[] = [];
  const step = (title: string, run: (this: Mocha.Context) => Promise<void>) => steps.push({ title, run });

  step(
    'The first director, on /setup and then /admin/users, creates the staff accounts, gives each consultant expertise and signs out',
    async function () {
      this.timeout(60_000);
      const { page } = director;
      await page.goto('/setup');
      await auditPage(page, 'the setup page');
      await page.getByLabel('Full name').fill(DIRECTOR.name);
      await page.getByLabel('E-mail address').fill(DIRECTOR.email);
      await page.getByLabel('Password', { exact: true }).fill(DIRECTOR.password);
      await page.getByLabel('Password again').fill(DIRECTOR.password);
      await submitForm(page, () => page.getByRole('button', { name: 'Create director account' }).click(), { status: 303, url: /\/cases$/ });
      await auditPage(page, 'the case list, empty');

      for (const person of [EXPERT, OTHER]) {
        await page.goto('/admin/users/new');
        await auditPage(page, 'the new-user form');
        await page.getByLabel('Full name').fill(person.name);
        await page.getByLabel('E-mail address').fill(person.email);
        await page.locator('label[for="field-role-consultant"]').click();
        await page.getByLabel('Capacity').fill('5');
        await page.locator(`label[for="field-topics-${person.topic}"]`).click();
        await page.getByLabel('Initial password').fill(person.password);
        await page.getByLabel('Password again').fill(person.password);
        await submitForm(page, () => page.getByRole('button', { name: 'Add user' }).click(), {
          status: 303,
          url: /\/admin\/users\?saved=1$/,
        });
      }
      await auditPage(page, 'the user list');
      const rows = page.locator('tbody tr');
      await assert.doesNotReject(
        rows.filter({ hasText: EXPERT.name }).filter({ hasText: 'Applying an equity lens to policy' }).waitFor(),
        'the expert is listed with her expertise',
      );
      assert.equal(await rows.count(), 3, 'the director and two consultants');

      await submitForm(page, () => page.getByRole('button', { name: 'Sign out' }).click(), { status: 303, url: /\/login\?signed_out=1$/ });
      assert.match((await page.locator('main .usa-alert').textContent()) ?? '', /You have signed out/);
    },
  );

  step(
    'A requester, on a 375-pixel phone with the keyboard only, fills the request form with mistakes, follows the error summary to each field, corrects them and lands on the status page',
    async function () {
      this.timeout(90_000);
      const { page } = requester;
      await page.goto('/');
      await auditPage(page, 'the home page (phone)');
      await screenshot(page, 'home', 'phone');
      await screenshot(page, 'home', 'desktop');
      await assertSkipLinkWorks(page, 'the home page');
      await tabTo(page, 'main a[href="/requests/new"]');
      await Promise.all([page.waitForURL('**/requests/new'), page.keyboard.press('Enter')]);
      await auditPage(page, 'the request form (phone)');
      await screenshot(page, 'request-form', 'phone');
      await screenshot(page, 'request-form', 'desktop');
      await assertSkipLinkWorks(page, 'the request form');

      // First attempt: a half-typed e-mail, no topic, no title.
      await tabTo(page, '#field-jurisdiction');
      await page.keyboard.type('Vermont');
      assert.equal(await page.locator('#field-jurisdiction').inputValue(), 'VT', 'typing a name on the focused select chooses it');
      await tabTo(page, '#field-name');
      await page.keyboard.type(REQUEST.name);
      await tabTo(page, '#field-email');
      await page.keyboard.type('sam.rivera@');
      await tabTo(page, '#field-role');
      await page.keyboard.type(REQUEST.role);
      await tabTo(page, 'input[name="organization_type"]');
      await page.keyboard.press('Space');
      await tabTo(page, '#field-organization_name');
      await page.keyboard.type(REQUEST.organization);
      await tabTo(page, 'input[name="preferred_format"]');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowDown');
      await tabTo(page, '#field-needs');
      await page.keyboard.type(REQUEST.needs);
      await tabTo(page, 'form button[type="submit"]');
      await submitForm(page, () => page.keyboard.press('Enter'), { status: 422, url: /\/requests$/ });

      // The summary at the top has the focus and links to each wrong field.
      await page.waitForFunction(() => document.activeElement?.matches('[data-error-summary]'));
      await assertFocusVisible(page, 'the error summary');
      const box = await page.locator('[data-error-summary]').boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 740, `the focused summary is in view at the top: ${JSON.stringify(box)}`);
      assert.ok(
        await page.evaluate(() =>
          Boolean(
            document.querySelector('[data-error-summary]')!.compareDocumentPosition(document.querySelector('main form')!) &
            Node.DOCUMENT_POSITION_FOLLOWING,
          ),
        ),
        'the summary comes before the form',
      );
      const links = await page.locator('[data-error-summary] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual([...links].sort(), ['#field-email', '#field-title', '#field-topics'], 'one link per mistake');
      // What was typed is kept.
      assert.equal(await page.locator('#field-jurisdiction').inputValue(), 'VT');
      assert.equal(await page.locator('#field-name').inputValue(), REQUEST.name);
      assert.equal(await page.locator('#field-email').inputValue(), 'sam.rivera@');
      assert.equal(await page.locator('#field-role').inputValue(), REQUEST.role);
      assert.equal(await page.locator('#field-organization_name').inputValue(), REQUEST.organization);
      assert.equal(await page.locator('#field-needs').inputValue(), REQUEST.needs);
      assert.ok(await page.locator('#field-organization_type-state_board').isChecked(), 'the organization type stays chosen');
      assert.ok(await page.locator('#field-preferred_format-small_group').isChecked(), 'the format chosen with the arrow key stays chosen');
      await auditPage(page, 'the request form with errors (422, phone)');
      await screenshot(page, 'request-form-errors', 'phone', { maxHeight: 2400 });
      await screenshot(page, 'request-form-errors', 'desktop', { maxHeight: 2000 });

      // Each link of the summary, followed with Enter, puts the focus on its field; fix it there.
      // The first link is reached forwards from the summary; the others backwards from the field just fixed.
      for (const [i, href] of (links as string[]).entries()) {
        await tabTo(page, `[data-error-summary] a[href="${href}"]`, { back: i > 0 });
        await page.keyboard.press('Enter');
        await page.waitForFunction((id) => document.activeElement?.id === id, href.slice(1));
        await assertFocusVisible(page, `${href} after following its error link`);
        if (href === '#field-email') {
          await page.keyboard.press('End');
          await page.keyboard.type('example.org');
        } else if (href === '#field-topics') {
          await tabTo(page, '#field-topics-equity-lens');
          await page.keyboard.press('Space');
        } else {
          await page.keyboard.type(REQUEST.title);
        }
      }
      assert.equal(await page.locator('#field-email').inputValue(), 'sam.rivera@example.org');
      assert.ok(await page.locator('#field-topics-equity-lens').isChecked());
      await tabTo(page, 'form button[type="submit"]');
      await submitForm(page, () => page.keyboard.press('Enter'), { status: 303, url: /\/status\/[A-Za-z0-9_-]+$/ });

      assert.ok(await page.locator('h1').isVisible(), 'the heading with the reference is on screen');
      const heading = (await page.locator('h1').textContent()) ?? '';
      const reference = /TA-\d{4}-\d{4}/.exec(heading)?.[0];
      assert.ok(reference, `the status page names the reference: "${heading}"`);
      assert.match(heading, new RegExp(`^Request TA-${isoDay().slice(0, 4)}-\\d{4}$`));
      await auditPage(page, 'the status page of a new request (phone)');
      assert.match((await page.locator('#status-heading').textContent()) ?? '', /Status: New/);
      state.reference = reference;
      state.statusUrl = page.url();
    },
  );

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

  return steps;
}
