/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// Accessibility across the app in Chromium, against the built server: axe-core's WCAG 2.1 A and AA
// rules on every page at desktop and phone widths, plus what axe cannot judge alone: the skip
// link, a visible focus on every Tab stop, error summaries that take the focus and lead to their
// fields, and the staff menu on a phone.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, PHONE, RunningApp, describeInChromium, createUserWithCli, newPerson, startApp, submitForm } from '../helpers/browser';
import {
  assertErrorsTiedToFields,
  assertFocusVisible,
  assertNoAxeViolations,
  assertSkipLinkWorks,
  auditPage,
  focusState,
  tabTo,
} from '../helpers/browser-a11y';

const DIRECTOR = {
  name: 'Robin Achebe',
  email: 'robin.achebe@nasbe.example',
  role: 'director' as const,
  password: 'meadow lantern copper 31',
};
const CONSULTANT = {
  name: 'Kai Lindqvist',
  email: 'kai.lindqvist@nasbe.example',
  role: 'consultant' as const,
  password: 'saddle prism walnut 64',
};

/** A request as the public API takes it; answers with its status link. */
async function apiRequest(baseUrl: string): Promise<{ reference: string; statusPath: string }> {
  const res = await fetch(`${baseUrl}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      jurisdiction: 'OH',
      name: 'Dana Whitfield',
      email: 'dana.whitfield@example.org',
      role: 'Board member',
      organization_type: 'state_board',
      organization_name: 'Ohio State Board of Education',
      topics: ['school-climate', 'board-governance'],
      preferred_format: 'one_on_one',
      title: 'Discipline policy review',
      needs: 'Review our discipline policy for disparate impact.',
    }),
  });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { reference: string; status_url: string };
  return { reference: body.reference, statusPath: new URL(body.status_url).pathname };
}

describeInChromium('Accessibility, in Chromium against the built server', function () {
  let app: RunningApp;
  let visitor: { context: BrowserContext; page: Page; problems: string[] };
  let director: { context: BrowserContext; page: Page; problems: string[] };
  let request: { reference: string; statusPath: string };
  let caseId: string;

  before(async function () {
    this.timeout(120_000);
    app = await startApp();
    // Staff accounts as an operator makes them, with the CLI.
    await createUserWithCli(app, DIRECTOR);
    await createUserWithCli(app, CONSULTANT);
    request = await apiRequest(app.baseUrl);
    visitor = await newPerson(app.baseUrl);
    director = await newPerson(app.baseUrl);
    const { page } = director;
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(DIRECTOR.email);
    await page.getByLabel('Password').fill(DIRECTOR.password);
    await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 303, url: /\/cases$/ });
    const link = page.getByRole('link', { name: request.reference });
    caseId = /\/cases\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1] ?? '';
    assert.ok(caseId, 'the new case is listed');
  });

  after(async function () {
    this.timeout(30_000);
    await visitor?.context.close();
    await director?.context.close();
    await app?.stop();
  });

  afterEach(function () {
    assert.equal(app.crashed(), undefined, 'the server is still running');
    for (const p of [visitor, director])
      assert.deepEqual(p?.problems.splice(0) ?? [], [], 'the browser reported no script errors, blocked inline code or failed loads');
  });

  /** Opens each path at desktop and phone widths and holds it to auditPage. */
  async function auditAtBothSizes(page: Page, paths: string[], expectStatus: Record<string, number> = {}): Promise<void> {
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      for (const path of paths) {
        const res = await page.goto(path);
        assert.equal(res?.status(), expectStatus[path] ?? 200, `GET ${path}`);
        await auditPage(page, `${path} at ${size.width} pixels`);
      }
    }
    await page.setViewportSize(DESKTOP);
  }

  it('Every public page, at 1280 and 375 pixels, passes axe (WCAG 2.1 A and AA), keeps its headings in order and labels every control', async function () {
    this.timeout(90_000);
    await auditAtBothSizes(visitor.page, ['/', '/requests/new', '/login', request.statusPath, '/no-such-page', '/setup'], {
      '/no-such-page': 404,
      '/setup': 404,
    });
  });

  it('Every staff page, for a director at 1280 and 375 pixels, passes axe (WCAG 2.1 A and AA), keeps its headings in order and labels every control', async function () {
    this.timeout(150_000);
    const users = director.page.getByRole('link', { name: CONSULTANT.name });
    await director.page.goto('/admin/users');
    const userEdit = (await users.getAttribute('href')) ?? '';
    assert.match(userEdit, /^\/admin\/users\/\d+\/edit$/);
    await auditAtBothSizes(director.page, [
      '/cases',
      '/cases/triage',
      '/cases/new',
      `/cases/${caseId}`,
      `/cases/${caseId}/edit`,
      `/cases/${caseId}/engagements/new`,
      '/my-work',
      '/dashboard',
      '/reports/engagements',
      '/states/OH',
      '/admin/users',
      '/admin/users/new',
      userEdit,
      '/admin/topics',
      '/admin/tokens',
      '/admin/import',
      '/admin/outbox',
      '/account/password',
    ]);
  });

  it('The skip link, on public and staff pages, is the first Tab stop, shows itself and moves the focus to main', async function () {
    this.timeout(60_000);
    for (const path of ['/login', request.statusPath]) {
      await visitor.page.goto(path);
      await assertSkipLinkWorks(visitor.page, path);
      // The next Tab goes on from main, not back to the header.
      await visitor.page.keyboard.press('Tab');
      assert.ok(
        await visitor.page.evaluate(() => Boolean(document.activeElement?.closest('main'))),
        `${path}: after the skip link, Tab moves on inside main`,
      );
    }
    for (const path of [`/cases/${caseId}`, '/dashboard']) {
      await director.page.goto(path);
      await assertSkipLinkWorks(director.page, path);
    }
  });

  it('Every Tab stop of the request form and of the case page, from top to bottom, shows a visible focus indicator', async function () {
    this.timeout(90_000);
    for (const [page, path] of [
      [visitor.page, '/requests/new'],
      [director.page, `/cases/${caseId}`],
    ] as const) {
      await page.goto(path);
      let stops = 0;
      const seen = new Set<string>();
      // Until the focus leaves the page's last control (back to the browser, or round to the start).
      for (;;) {
        await page.keyboard.press('Tab');
        const f = await focusState(page);
        const key = `${f.tag}#${f.id}/${f.name}/${f.text}`;
        if (f.tag === 'body' || (stops > 0 && f.text === 'Skip to main content') || stops > 400) break;
        await assertFocusVisible(page, `${path}, Tab stop ${stops + 1}`);
        seen.add(key);
        stops++;
      }
      assert.ok(stops < 400, `${path}: the focus comes to an end`);
      assert.ok(seen.size > 20, `${path}: ${seen.size} different elements took the focus`);
    }
  });

  it('The sign-in form, sent empty, answers 422 with its error summary focused, links that lead to each field and errors tied to them', async function () {
    this.timeout(60_000);
    const { page } = visitor;
    await page.goto('/login');
    await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 422, url: /\/login$/ });
    await page.waitForFunction(() => document.activeElement?.matches('[data-error-summary]'));
    await assertFocusVisible(page, 'the sign-in error summary');
    assert.equal(await assertErrorsTiedToFields(page, 'the sign-in form sent empty'), 2);
    await auditPage(page, 'the sign-in form sent empty (422)');
    for (const field of ['email', 'password']) {
      await page.focus('[data-error-summary]');
      await tabTo(page, `[data-error-summary] a[href="#field-${field}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === id, `field-${field}`);
      await assertFocusVisible(page, `#field-${field} after its error link`);
    }
  });

  it('The case page, with an empty message to the requester, answers 422 with the summary focused and the error tied to the message field', async function () {
    this.timeout(60_000);
    const { page } = director;
    await page.goto(`/cases/${caseId}`);
    await submitForm(page, () => page.getByRole('button', { name: 'Send to requester' }).click(), {
      status: 422,
      url: new RegExp(`/cases/${caseId}/messages$`),
    });
    await page.waitForFunction(() => document.activeElement?.matches('[data-error-summary]'));
    assert.equal(await assertErrorsTiedToFields(page, 'the case page with an empty message'), 1);
    await auditPage(page, 'the case page with an empty message (422)');
    await tabTo(page, '[data-error-summary] a');
    const target = (await page.locator('[data-error-summary] a').getAttribute('href'))?.slice(1) ?? '';
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.activeElement?.id === id, target);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'the link leads to the message box');
  });

  it('The engagement form, marked delivered with a future date and no summary notes, answers 422 and each summary link, followed with Enter, puts the focus on its field', async function () {
    this.timeout(60_000);
    const { page } = director;
    await page.goto(`/cases/${caseId}/engagements/new`);
    await page.locator('label[for="field-status-delivered"]').click();
    await page.getByLabel('Date', { exact: true }).fill('2099-01-15');
    await page.getByLabel('Number of participants').fill('3');
    await submitForm(page, () => page.getByRole('button', { name: 'Add engagement' }).click(), {
      status: 422,
      url: new RegExp(`/cases/${caseId}/engagements$`),
    });
    await page.waitForFunction(() => document.activeElement?.matches('[data-error-summary]'));
    const hrefs = (await page.locator('[data-error-summary] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) as string[];
    assert.ok(hrefs.includes('#field-date') && hrefs.includes('#field-summary'), `the summary links to the date and the notes: ${hrefs}`);
    assert.equal(await assertErrorsTiedToFields(page, 'the engagement form with errors'), hrefs.length);
    await auditPage(page, 'the engagement form with errors (422)');
    assert.equal(await page.getByLabel('Number of participants').inputValue(), '3', 'what was typed is kept');
    for (const href of hrefs) {
      await page.focus('[data-error-summary]');
      await tabTo(page, `[data-error-summary] a[href="${href}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === id, href.slice(1));
      await assertFocusVisible(page, `${href} after its error link`);
    }
  });

  it("The staff header, at 1024 and 1280 pixels, shows the user's name, Change password and Sign out entirely inside the window", async function () {
    this.timeout(30_000);
    const { page } = director;
    try {
      for (const width of [1024, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await page.goto('/cases');
        for (const item of [
          page.locator('.signout-form span'),
          page.getByRole('link', { name: 'Change password' }),
          page.getByRole('button', { name: 'Sign out' }),
        ]) {
          const box = await item.boundingBox();
          assert.ok(
            box && box.y >= 0 && box.x >= 0 && box.x + box.width <= width,
            `at ${width} pixels, "${await item.textContent()}" is inside the window: ${JSON.stringify(box)}`,
          );
        }
      }
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('The staff menu, on a 375-pixel phone, opens from the Menu button with the keyboard, lets Tab reach its links and closes with Escape', async function () {
    this.timeout(60_000);
    const { page } = director;
    await page.setViewportSize(PHONE);
    try {
      await page.goto('/cases');
      const nav = page.locator('nav.usa-nav');
      assert.equal(await nav.isVisible(), false, 'the menu starts closed on a phone');
      await tabTo(page, 'button.usa-menu-btn');
      await page.keyboard.press('Enter');
      await nav.waitFor({ state: 'visible' });
      // The page behind the open menu is hidden (no headings to order): axe alone.
      await assertNoAxeViolations(page, 'the open staff menu on a phone');
      await tabTo(page, 'nav.usa-nav a[href="/dashboard"]');
      await tabTo(page, 'nav.usa-nav button[type="submit"]');
      assert.match((await focusState(page)).text, /Sign out/);
      await page.keyboard.press('Escape');
      await nav.waitFor({ state: 'hidden' });
      assert.ok(
        await page.evaluate(() => document.activeElement?.matches('button.usa-menu-btn')),
        'the focus goes back to the Menu button',
      );
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
});
