/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// The journey's first phase: the staff accounts set up, then the request made on a phone.
import assert from 'node:assert/strict';
import { isoDay, screenshot, submitForm } from './browser';
import { assertFocusVisible, assertSkipLinkWorks, auditPage, tabTo } from './browser-a11y';
import { DIRECTOR, EXPERT, Journey, OTHER, REQUEST } from './journey-context';

/** The first director sets up the staff; the requester asks for help with the keyboard only. */
export function intakeSteps({ director, requester, state, step }: Journey): void {
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
}
