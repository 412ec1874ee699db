// The end-to-end tests' harness: the built server on a fresh SQLite directory, one Chromium for the
// whole run, and the CLI for staff accounts. Checks made on pages live in browser-a11y.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnce, freePort, ROOT, spawnBuilt, stopServer, waitHealthy } from './built-server';
import { describeIfAvailable } from './needs';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';

const CLI = path.join(ROOT, 'dist', 'server', 'cli.js');
const SECRET = 'e2e-browser-secret-0123456789-abcdefghijkl';

/** Debian's Chromium; CI installs it, a laptop may not have it. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Each run writes its screenshots under test-results/ (not tracked). With UPDATE_SCREENSHOTS=1
// they go to test/e2e/screenshots/, the copies the README shows, to be committed.
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'test', 'e2e', 'screenshots')
  : path.join(ROOT, 'test-results', 'screenshots');

/** The sizes the tests look at the app in: a desktop browser and a small phone. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

/**
 * Declares a browser suite: without Chromium it is not run (a notice says so, and CI=true fails the
 * run instead), so that `npm test` on a laptop without Chromium still passes and says why.
 */
export function describeInChromium(title: string, body: (this: Mocha.Suite) => void): void {
  const missing = fs.existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} for the end-to-end browser tests (on Debian or Ubuntu: apt-get install chromium)`;
  // Each browser suite closes the browser after its last test: in a parallel run a worker runs
  // several files one after another, and nothing runs once after all of them.
  describeIfAvailable(title, missing, function (this: Mocha.Suite) {
    after(async function () {
      this.timeout(20_000);
      await closeSharedBrowser();
    });
    body.call(this);
  });
}

export interface RunningApp {
  baseUrl: string;
  dataDir: string;
  /** The environment the server runs with, for the CLI to reach the same database. */
  env: Record<string, string>;
  /** Undefined while the server runs; otherwise how it ended and what it wrote to stderr. */
  crashed(): string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/server/index.js` as production runs it, on an empty data directory, and waits
 * until it is healthy. MFA_REQUIRED is off unless `env` says otherwise (the tests of second factors
 * do); `hostName: 'localhost'` serves it under a name (passkeys need one: an address is no RP ID).
 */
export async function startApp(options: { env?: Record<string, string>; hostName?: string } = {}): Promise<RunningApp> {
  await buildOnce();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leep-browser-'));
  const port = await freePort();
  const baseUrl = `http://${options.hostName ?? '127.0.0.1'}:${port}`;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    SECRET,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: baseUrl,
    // Every submission of a test file comes from 127.0.0.1; the default (10) would throttle a long journey.
    INTAKE_RATE_LIMIT: '1000',
    MFA_REQUIRED: 'off',
    ...options.env,
  };
  const server = spawnBuilt(env, port);
  await waitHealthy(server);
  let stopping = false;

  return {
    baseUrl,
    dataDir,
    env,
    crashed: () => (stopping || server.running() ? undefined : `the server exited with ${server.child.exitCode}:\n${server.stderr()}`),
    async stop() {
      stopping = true;
      await stopServer(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface StaffAccount {
  email: string;
  name: string;
  role: 'director' | 'consultant';
  password: string;
}

/** Creates a staff account with the CLI, as an operator does, the password on standard input. */
export async function createUserWithCli(app: RunningApp, user: StaffAccount): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'user:create', '--email', user.email, '--name', user.name, '--role', user.role], {
      cwd: ROOT,
      env: app.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`user:create exited with ${code}: ${output}`))));
    child.stdin?.end(`${user.password}\n`);
  });
}

let browser: Promise<Browser> | undefined;

/** The Chromium of the current browser suite, launched on first use and closed after the suite's last test. */
export function sharedBrowser(): Promise<Browser> {
  browser ??= import('playwright-core').then(({ chromium }) =>
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    }),
  );
  return browser;
}

/** Closes the shared Chromium, if one is open; the next sharedBrowser() launches another. */
async function closeSharedBrowser(): Promise<void> {
  const open = browser;
  browser = undefined;
  if (open) await (await open).close();
}

/** Content-Security-Policy violations and script errors a page reported, to assert that there are none. */
interface PageProblems {
  problems: string[];
}

/**
 * A new browser context (its own cookies: one person) at one of our sizes. It records what the
 * browser complains about (script errors, blocked inline code) so that tests can assert none.
 */
export async function newPerson(
  baseUrl: string,
  options: BrowserContextOptions & { phone?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page } & PageProblems> {
  const { phone, ...rest } = options;
  const context = await (
    await sharedBrowser()
  ).newContext({
    baseURL: baseUrl,
    viewport: phone ? PHONE : DESKTOP,
    isMobile: Boolean(phone),
    hasTouch: Boolean(phone),
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'America/New_York',
    acceptDownloads: true,
    // No sliding menus or skip links half-way through a transition in the screenshots.
    reducedMotion: 'reduce',
    ...rest,
  });
  const problems: string[] = [];
  context.on('console', (msg) => {
    // A page answered with 4xx on purpose (422, 401) is logged as a failed load: the responses are checked below instead.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`${msg.location().url}: ${msg.text()}`);
  });
  context.on('weberror', (e) => problems.push(e.error().message));
  context.on('response', (r) => {
    // Stylesheets, scripts, images, fonts and the favicon must all load.
    if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
  });
  context.on('requestfailed', (r) => {
    // The browser fetches the favicon after the page has loaded, and drops that fetch when the test
    // moves on to the next page at once: an abort, not a failure to serve it (a 404 is caught above).
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && /\/favicon\.(ico|svg)$/.test(new URL(r.url()).pathname)) return;
    problems.push(`${r.failure()?.errorText} for ${r.url()}`);
  });
  // tsx compiles the tests with esbuild's keepNames, which wraps functions passed to page.evaluate
  // in a __name() helper that only exists in Node; give the pages a do-nothing one.
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((fn) => fn);' });
  const page = await context.newPage();
  return { context, page, problems };
}

/** Saves a screenshot, <name>-<desktop|phone>.png, in SCREENSHOT_DIR. */
export async function screenshot(
  page: Page,
  name: string,
  size: 'desktop' | 'phone',
  options: { maxHeight?: number } = {},
): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${size}.png`);
  const before = page.viewportSize();
  const wanted = size === 'desktop' ? DESKTOP : PHONE;
  if (before?.width !== wanted.width) await page.setViewportSize(wanted);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const clip = options.maxHeight && height > options.maxHeight ? { x: 0, y: 0, width: wanted.width, height: options.maxHeight } : undefined;
  await page.screenshot({ path: file, fullPage: true, clip, animations: 'disabled', caret: 'hide' });
  if (before && before.width !== wanted.width) await page.setViewportSize(before);
  const bytes = fs.statSync(file).size;
  assert.ok(bytes < 600 * 1024, `${path.basename(file)} is ${Math.round(bytes / 1024)} KB, over 600 KB`);
  return file;
}

/** Today and other days as YYYY-MM-DD in the app's time zone (America/New_York). */
export function isoDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * Submits a form by `act` (a click, or Enter on a focused button) and waits for the page that
 * answers to load. Fails at once, with the text of that page, if the form's answer is not `status`
 * (303 for a success, 422 for a form sent back), or if the page that loads is not at `url`.
 */
export async function submitForm(page: Page, act: () => Promise<unknown>, expected: { status: number; url?: RegExp }): Promise<Response> {
  const loaded = page.waitForEvent('load');
  const responded = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest());
  await act();
  const response = await responded;
  await loaded;
  if (response.status() !== expected.status) {
    const shown = (
      await page
        .locator('main')
        .innerText()
        .catch(() => '')
    )
      .replace(/\s+/g, ' ')
      .slice(0, 400);
    assert.fail(`POST ${new URL(response.url()).pathname} answered ${response.status()}, not ${expected.status}; the page says: ${shown}`);
  }
  if (expected.url) assert.match(page.url(), expected.url, 'the page that answers the form');
  return response;
}
