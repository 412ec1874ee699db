/// <reference lib="dom" />
// The DOM types: the functions given to page.evaluate run in the browser.
// Staff tables on the demo data, in Chromium against the built server: at 1280 px no table is
// wider than its container (no sideways scrolling to reach Lead, Edit or an action link), and at
// 375 px every table stacks (or fits) and the page itself never scrolls sideways. At 1280 px it
// also takes the README's screenshots of the staff pages on this realistic data (demo-*.png).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/demo-password';
import { RunningApp, describeInChromium, newPerson, screenshot, startApp, submitForm } from '../helpers/browser';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'server', 'cli.js');

/** Runs `seed:demo` against the running app's database, as an operator would. */
function seedDemo(app: RunningApp): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'seed:demo', '--cases', '120'], { env: app.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed:demo exited with ${code}: ${out}`))));
  });
}

/** Every table of the page that is wider than its container, or a page that scrolls sideways. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const table of Array.from(document.querySelectorAll('main table'))) {
      const host = table.parentElement as HTMLElement;
      const width = Math.ceil(table.getBoundingClientRect().width);
      if (width > host.clientWidth + 1)
        out.push(`${table.querySelector('caption')?.textContent?.trim() || table.className}: ${width} px in ${host.clientWidth} px`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      out.push(`the page: ${document.documentElement.scrollWidth} px in ${window.innerWidth} px`);
    return out;
  });
}

describeInChromium('Staff tables fit, in Chromium against the built server with the demo data', function () {
  let app: RunningApp;
  let caseUrl = '';
  const pages: string[] = [
    '/cases',
    '/cases/triage',
    '/dashboard',
    '/states/OH',
    '/cohorts',
    '/cohorts/1',
    '/cohorts/1/applications',
    '/reviews',
    '/network',
    '/admin/users',
    '/my-work',
  ];

  before(async function () {
    this.timeout(180_000);
    app = await startApp();
    await seedDemo(app);
    // The case with the most engagements: the widest case page.
    const sqlite3 = await import('sqlite3');
    const db = new sqlite3.default.Database(path.join(app.dataDir, 'leep.sqlite3'));
    const one = (sql: string) =>
      new Promise<number>((resolve, reject) =>
        db.get(sql, (err, row: { id: number } | undefined) =>
          err ? reject(err) : row ? resolve(row.id) : reject(new Error(`no row for ${sql}`)),
        ),
      );
    const id = await one('SELECT case_id AS id FROM engagements GROUP BY case_id ORDER BY count(*) DESC LIMIT 1');
    // For the README: a completed technical-assistance case entered by staff, with a few engagements.
    const shown = await one(
      "SELECT c.id FROM cases c WHERE c.track = 'ta' AND c.source = 'staff' AND c.status = 'completed' AND (SELECT count(*) FROM engagements e WHERE e.case_id = c.id) BETWEEN 2 AND 4 ORDER BY c.id DESC LIMIT 1",
    );
    db.close();
    caseUrl = `/cases/${shown}`;
    pages.push(`/cases/${id}`, caseUrl);
  });

  after(async () => {
    await app?.stop();
  });

  for (const size of ['desktop', 'phone'] as const) {
    it(`the main staff pages, at ${size === 'desktop' ? '1280' : '375'} px, have no table wider than its container and no sideways scrolling`, async function () {
      this.timeout(180_000);
      const person = await newPerson(app.baseUrl, { phone: size === 'phone' });
      try {
        const { page } = person;
        await page.goto('/login');
        await page.getByLabel('E-mail address').fill('director@leep.example');
        await page.getByLabel('Password').fill(DEMO_PASSWORD);
        await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 303 });
        const wrong: string[] = [];
        let tables = 0;
        for (const url of pages) {
          const res = await page.goto(url);
          assert.equal(res?.status(), 200, url);
          tables += await page.locator('main table').count();
          for (const problem of await overflowing(page)) wrong.push(`${url}: ${problem}`);
        }
        assert.ok(tables >= 10, `the pages hold tables to check (${tables})`);
        assert.deepEqual(wrong, []);
        if (size === 'desktop') {
          // The README's pictures: the top of each page, readable at its size.
          const shots: [string, string][] = [
            ['/dashboard', 'demo-dashboard'],
            [caseUrl, 'demo-case'],
            ['/cases/triage', 'demo-triage'],
            ['/cohorts/1/applications', 'demo-cohort'],
          ];
          for (const [url, name] of shots) {
            const res = await page.goto(url);
            assert.equal(res?.status(), 200, url);
            // Each picture shows the top of its page; the case's goes down to its timeline if that is near.
            const timelineEnd = await page.evaluate(() => {
              const timeline = document.getElementById('timeline');
              return timeline ? Math.ceil(timeline.getBoundingClientRect().bottom + window.scrollY) + 24 : 0;
            });
            await screenshot(page, name, 'desktop', { maxHeight: timelineEnd > 1400 && timelineEnd < 2200 ? timelineEnd : 1400 });
          }
        }
        assert.deepEqual(person.problems, []);
      } finally {
        await person.context.close();
      }
    });
  }
});
