/// <reference lib="dom" />
// Staff second factors in Chromium against the built server, with MFA_REQUIRED=directors: a new
// director enrols an authenticator app right after the password, adds a passkey made by a virtual
// authenticator (the DevTools protocol's WebAuthn domain), and signs in again with it.
import assert from 'node:assert/strict';
import { generateSync } from 'otplib';
import type { CDPSession } from 'playwright-core';
import { RunningApp, describeInChromium, createUserWithCli, newPerson, startApp, submitForm } from '../helpers/browser';
import { auditPage } from '../helpers/browser-a11y';

const DIRECTOR = {
  name: 'Robin Achebe',
  email: 'robin.achebe@nasbe.example',
  password: 'copper willow beacon 57',
  role: 'director' as const,
};

describeInChromium('Staff second factors in Chromium, with a virtual authenticator', function () {
  let app: RunningApp;
  let person: Awaited<ReturnType<typeof newPerson>>;
  let cdp: CDPSession;
  let authenticatorId: string;
  const state: { enrolled?: boolean; passkey?: boolean } = {};

  before(async function () {
    this.timeout(90_000);
    app = await startApp({ env: { MFA_REQUIRED: 'directors' }, hostName: 'localhost' });
    await createUserWithCli(app, DIRECTOR);
    person = await newPerson(app.baseUrl);
    cdp = await person.context.newCDPSession(person.page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });

  after(async function () {
    this.timeout(30_000);
    await person?.context.close();
    await app?.stop();
  });

  afterEach(function () {
    assert.equal(app.crashed(), undefined, 'the server is still running');
    assert.deepEqual(person.problems.splice(0), [], 'the browser reported no script errors or Content-Security-Policy violations');
  });

  async function signInWithPassword(): Promise<void> {
    const { page } = person;
    await page.goto('/login');
    await page.fill('#field-email', DIRECTOR.email);
    await page.fill('#field-password', DIRECTOR.password);
    await submitForm(page, () => page.click('button[type=submit]:has-text("Sign in")'), { status: 303 });
  }

  it('A director without a second factor, after the password, lands on the enrolment page, scans nothing else, confirms a code and gets ten recovery codes', async function () {
    this.timeout(60_000);
    const { page } = person;
    await signInWithPassword();
    assert.match(page.url(), /\/login\/enrol$/);
    await auditPage(page, 'the enrolment page');
    assert.equal(await page.locator('svg.qr-code').count(), 1, 'the QR code is drawn on the page');
    await page.goto('/cases');
    assert.match(page.url(), /\/login\/enrol$/, 'nothing else is reachable before enrolment');
    const secret = (await page.locator('#totp-key').innerText()).replace(/\s/g, '');
    await page.fill('#field-code', generateSync({ secret }));
    await submitForm(page, () => page.click('button:has-text("Confirm")'), { status: 200 });
    assert.equal(await page.locator('.recovery-codes code').count(), 10);
    await auditPage(page, 'the recovery codes page');
    await page.click('a:has-text("I have kept them, continue")');
    await page.waitForURL(/\/cases$/);
    state.enrolled = true;
  });

  it('The director adds a passkey named "Work laptop" on the sign-in security page; the virtual authenticator holds it', async function () {
    this.timeout(60_000);
    assert.ok(state.enrolled, 'this step needs the enrolment, which did not complete');
    const { page } = person;
    await page.goto('/account/security');
    await auditPage(page, 'the sign-in security page');
    assert.equal(
      await page.locator('[data-passkey-register]').isVisible(),
      true,
      'the passkey form shows when the browser can make passkeys',
    );
    await page.fill('#field-passkey-name', 'Work laptop');
    await Promise.all([page.waitForURL(/done=passkey-added/), page.click('button:has-text("Add a passkey")')]);
    assert.match(await page.locator('main').innerText(), /Your passkey has been added/);
    assert.equal(await page.locator('table th[scope=row]', { hasText: 'Work laptop' }).count(), 1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    state.passkey = true;
  });

  it('The director signs out, signs in with the password, then with the passkey, and lands on the cases', async function () {
    this.timeout(60_000);
    assert.ok(state.passkey, 'this step needs the passkey, which was not added');
    const { page } = person;
    await page.goto('/cases');
    await submitForm(page, () => page.click('button:has-text("Sign out")'), { status: 303 });
    await signInWithPassword();
    assert.match(page.url(), /\/login\/verify$/);
    await auditPage(page, 'the second-step page');
    await Promise.all([page.waitForURL(/\/cases$/), page.click('button:has-text("Use a passkey")')]);
    assert.match(await page.locator('h1').first().innerText(), /cases/i);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok(credentials[0].signCount >= 1, 'the passkey signed');
    await page.goto('/account/security');
    assert.doesNotMatch(await page.locator('table').innerText(), /Never/, 'its last use is shown');
  });
});
