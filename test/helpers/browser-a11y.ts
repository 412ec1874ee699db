/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// Accessibility and keyboard checks made on pages in the browser tests: axe-core with the WCAG 2.1
// A and AA rules, and the checks axe cannot make alone (heading order, labels, errors tied to their
// fields, visible focus, the skip link).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { sharedBrowser } from './browser';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string; html: string }[];
}

/**
 * Runs axe-core on the page as it is now, with the WCAG 2.1 A and AA rules, and fails listing every
 * violation. axe is evaluated through the DevTools protocol rather than added as a <script>, so the
 * page keeps its own Content-Security-Policy (which forbids inline scripts) while it is checked.
 */
export async function assertNoAxeViolations(page: Page, where: string, options: { disableRules?: string[] } = {}): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    async ({ tags, disabled }) => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
      const rules = Object.fromEntries(disabled.map((id: string) => [id, { enabled: false }]));
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] });
      return result.violations;
    },
    { tags: WCAG_TAGS, disabled: options.disableRules ?? [] },
  )) as AxeViolation[];
  const report = violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}\n      ${(n.failureSummary ?? '').replace(/\n/g, ' ')}`).join('\n')}`,
    )
    .join('\n  ');
  assert.equal(violations.length, 0, `axe found WCAG 2.1 A/AA violations on ${where} (${page.url()}):\n  ${report}`);
}

/** One h1, and no heading that skips a level going down (h2 then h4). Visually hidden headings count. */
async function assertHeadingsInOrder(page: Page, where: string): Promise<void> {
  const levels = await page.evaluate(() =>
    Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
      .filter((h) => getComputedStyle(h).display !== 'none' && !h.closest('[hidden], [aria-hidden="true"]'))
      .map((h) => ({ level: Number(h.tagName[1]), text: (h.textContent ?? '').trim().slice(0, 60) })),
  );
  assert.equal(levels.filter((h) => h.level === 1).length, 1, `${where} has exactly one h1: ${JSON.stringify(levels)}`);
  let previous = 0;
  for (const h of levels) {
    assert.ok(h.level <= previous + 1, `${where}: "${h.text}" (h${h.level}) follows an h${previous}, skipping a level`);
    previous = h.level;
  }
}

/** Every visible form control (and the honeypot) has a label that names it. */
async function assertControlsLabelled(page: Page, where: string): Promise<number> {
  const unlabelled = await page.evaluate(() => {
    const out: string[] = [];
    const controls = Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'),
    );
    for (const c of controls) {
      if (c instanceof HTMLInputElement && ['hidden', 'submit', 'button'].includes(c.type)) continue;
      const labelText = Array.from(c.labels ?? [])
        .map((l) => (l.textContent ?? '').trim())
        .join(' ');
      const byIds = (c.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => (document.getElementById(id)?.textContent ?? '').trim())
        .join(' ');
      if (!labelText && !byIds && !(c.getAttribute('aria-label') ?? '').trim()) out.push(c.outerHTML.slice(0, 120));
    }
    for (const b of Array.from(document.querySelectorAll('button'))) {
      if (!(b.textContent ?? '').trim() && !b.getAttribute('aria-label') && !b.querySelector('img[alt]:not([alt=""])'))
        out.push(b.outerHTML.slice(0, 120));
    }
    return { out, count: controls.length };
  });
  assert.deepEqual(unlabelled.out, [], `${where}: every control has a label`);
  return unlabelled.count;
}

/**
 * Every error message shown next to a field is tied to it: a control (or its fieldset) names the
 * message in aria-describedby, and every control marked invalid points at a message.
 */
export async function assertErrorsTiedToFields(page: Page, where: string): Promise<number> {
  const result = await page.evaluate(() => {
    const problems: string[] = [];
    const messages = Array.from(document.querySelectorAll<HTMLElement>('.usa-error-message')).filter((m) => !m.closest('.usa-alert'));
    for (const m of messages) {
      if (!m.id) {
        problems.push(`an error message without an id: ${m.outerHTML.slice(0, 120)}`);
        continue;
      }
      const owners = Array.from(document.querySelectorAll('[aria-describedby]')).filter((el) =>
        (el.getAttribute('aria-describedby') ?? '').split(/\s+/).includes(m.id),
      );
      if (!owners.some((el) => el.matches('input, select, textarea, fieldset')))
        problems.push(`no control is described by #${m.id} ("${(m.textContent ?? '').trim()}")`);
    }
    for (const c of Array.from(document.querySelectorAll('[aria-invalid="true"]'))) {
      const ids = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      if (!ids.some((id) => document.getElementById(id)?.classList.contains('usa-error-message')))
        problems.push(`#${c.id} is invalid but not described by an error message`);
    }
    return { problems, count: messages.length };
  });
  assert.deepEqual(result.problems, [], `${where}: errors are tied to their fields`);
  return result.count;
}

/** What the focused element is, and whether the focus is drawn (an outline or a box-shadow, on it or on the label that stands for it). */
export async function focusState(
  page: Page,
): Promise<{ tag: string; id: string; name: string; text: string; visible: boolean; onScreen: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', id: '', name: '', text: '', visible: false, onScreen: false };
    const drawn = (style: CSSStyleDeclaration) =>
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || (style.boxShadow !== 'none' && style.boxShadow !== '');
    let visible = drawn(getComputedStyle(el));
    // USWDS hides the real radio and checkbox and draws them (and their focus ring) on the label.
    if (!visible && el instanceof HTMLInputElement && ['radio', 'checkbox'].includes(el.type)) {
      visible = Array.from(el.labels ?? []).some((l) => drawn(getComputedStyle(l, '::before')) || drawn(getComputedStyle(l)));
    }
    // Chromium's date and time inputs have a calendar button of their own, inside the input: while
    // it has the focus the input does not match :focus, and Chromium draws the button's ring itself.
    if (
      !visible &&
      el instanceof HTMLInputElement &&
      ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type) &&
      !el.matches(':focus')
    )
      visible = true;
    const box = (
      el instanceof HTMLInputElement && ['radio', 'checkbox'].includes(el.type) ? (el.labels?.[0] ?? el) : el
    ).getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name') ?? '',
      text: (el.textContent ?? '').trim().slice(0, 80),
      visible,
      onScreen: box.width > 0 && box.height > 0,
    };
  });
}

/** Fails unless the focused element shows that it has the focus. */
export async function assertFocusVisible(page: Page, where: string): Promise<void> {
  const f = await focusState(page);
  assert.ok(f.tag !== 'body', `${where}: something has the focus`);
  assert.ok(f.visible, `${where}: the focused ${f.tag}#${f.id} "${f.text}" has a visible focus indicator`);
  assert.ok(f.onScreen, `${where}: the focused ${f.tag}#${f.id} "${f.text}" is on screen`);
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`, checking on the way that
 * every stop shows its focus. Gives up after `max` presses.
 */
export async function tabTo(page: Page, selector: string, options: { back?: boolean; max?: number; where?: string } = {}): Promise<number> {
  const max = options.max ?? 120;
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    await assertFocusVisible(
      page,
      `${options.where ?? page.url()} after ${presses} ${options.back ? 'Shift+Tab' : 'Tab'} on the way to ${selector}`,
    );
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return presses;
  }
  throw new Error(`${selector} was not reached with ${max} presses of ${options.back ? 'Shift+Tab' : 'Tab'}`);
}

/** The id (or tag) of the focused element. */
async function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName.toLowerCase() || '');
}

/**
 * From the top of the page, the first Tab reaches a visible "Skip to main content" link, and Enter
 * on it moves the focus to <main>. Call it on a page just loaded, before anything had the focus
 * (the browser goes on tabbing from the last element focused, even once it is blurred).
 */
export async function assertSkipLinkWorks(page: Page, where: string): Promise<void> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await page.keyboard.press('Tab');
  const f = await focusState(page);
  assert.equal(f.text, 'Skip to main content', `${where}: the first Tab reaches the skip link`);
  assert.ok(f.visible && f.onScreen, `${where}: the skip link shows when it has the focus`);
  // USWDS slides the link in (a 0.15 s transition on `top`): wait for it to arrive.
  await assert.doesNotReject(
    page.waitForFunction(
      () => {
        const r = (document.activeElement as HTMLElement).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      },
      null,
      { timeout: 3000 },
    ),
    `${where}: the focused skip link comes within the viewport`,
  );
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN');
  assert.equal(await focusedId(page), 'main-content', `${where}: Enter on the skip link moves the focus to main`);
}

/**
 * axe needs timers, which do not run in a page whose JavaScript is turned off: check a copy of the
 * page as it was rendered, scripts removed, in a page where axe can run.
 */
async function assertNoAxeViolationsWithoutScripts(page: Page, where: string, options: { disableRules?: string[] }): Promise<void> {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const context = await (
    await sharedBrowser()
  ).newContext({ viewport: page.viewportSize(), deviceScaleFactor: 1, reducedMotion: 'reduce' });
  try {
    await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((fn) => fn);' });
    const copy = await context.newPage();
    const url = page.url().replace(/#.*$/, '');
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url);
    await assertNoAxeViolations(copy, `${where} (as rendered without JavaScript)`, options);
  } finally {
    await context.close();
  }
}

/** axe, heading order, labels and errors tied to fields: what every page of the journeys is held to. */
export async function auditPage(
  page: Page,
  where: string,
  options: { disableRules?: string[]; javaScriptDisabled?: boolean } = {},
): Promise<void> {
  if (options.javaScriptDisabled) await assertNoAxeViolationsWithoutScripts(page, where, options);
  else await assertNoAxeViolations(page, where, options);
  await assertHeadingsInOrder(page, where);
  await assertControlsLabelled(page, where);
  await assertErrorsTiedToFields(page, where);
}
