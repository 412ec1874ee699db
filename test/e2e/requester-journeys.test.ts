/// <reference lib="dom" />
// Issue 14 in Chromium against the built server: a survey sent with a mistake and then right
// (from a status link with a trailing slash), a declined request that says why, and a case
// completed with two meetings still scheduled, which are cancelled in the calendars.
import assert from 'node:assert/strict';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import ical from 'node-ical';
import type { BrowserContext, Page } from 'playwright-core';
import { RunningApp, describeInChromium, createUserWithCli, isoDay, newPerson, startApp, submitForm } from '../helpers/browser';
import { auditPage } from '../helpers/browser-a11y';

const DIRECTOR = {
  name: 'Avery Quinn',
  email: 'avery.quinn@nasbe.example',
  role: 'director' as const,
  password: 'copper willow signal 52',
};
const CONSULTANT = {
  name: 'Jordan Blake',
  email: 'jordan.blake@nasbe.example',
  role: 'consultant' as const,
  password: 'pebble harbor lantern 19',
};

interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** A request through the public API, from its own address; answers with its status link and case id. */
async function apiRequest(app: RunningApp, db: Knex, email: string): Promise<{ reference: string; statusPath: string; caseId: number }> {
  const res = await fetch(`${app.baseUrl}/api/v1/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      jurisdiction: 'OH',
      name: 'Dana Whitfield',
      email,
      role: 'Board member',
      organization_type: 'state_board',
      organization_name: 'Ohio State Board of Education',
      topics: ['equity-lens'],
      preferred_format: 'one_on_one',
      title: 'Equity lens for our plan',
      needs: 'Help us apply an equity lens to our strategic plan.',
    }),
  });
  assert.equal(res.status, 201);
  const body = (await res.json()) as { reference: string; status_url: string };
  const row = await db('cases').where({ reference: body.reference }).first('id');
  return { reference: body.reference, statusPath: new URL(body.status_url).pathname, caseId: Number(row.id) };
}

describeInChromium('Requester journeys after a mistake, a refusal or a change, in Chromium against the built server', function () {
  let app: RunningApp;
  let db: Knex;
  let director: Person;
  let requester: Person;

  before(async function () {
    this.timeout(120_000);
    app = await startApp();
    await createUserWithCli(app, DIRECTOR);
    await createUserWithCli(app, CONSULTANT);
    // The server's own database, read (never written) to see what it stored and mailed.
    db = knexFactory({ client: 'sqlite3', connection: { filename: path.join(app.dataDir, 'leep.sqlite3') }, useNullAsDefault: true });
    director = await newPerson(app.baseUrl);
    requester = await newPerson(app.baseUrl, { phone: true });
    const { page } = director;
    await page.goto('/login');
    await page.getByLabel('E-mail address').fill(DIRECTOR.email);
    await page.getByLabel('Password').fill(DIRECTOR.password);
    await submitForm(page, () => page.getByRole('button', { name: 'Sign in' }).click(), { status: 303, url: /\/cases$/ });
  });

  after(async function () {
    this.timeout(30_000);
    for (const p of [director, requester]) await p?.context.close();
    await db?.destroy();
    await app?.stop();
  });

  afterEach(function () {
    assert.equal(app.crashed(), undefined, 'the server is still running');
    for (const p of [director, requester]) {
      const problems = p?.problems.splice(0) ?? [];
      assert.deepEqual(problems, [], 'the browser reported no script errors or Content-Security-Policy violations');
    }
  });

  /** The director adds an engagement to the case through its form. */
  async function addEngagement(caseId: number, fields: { status: 'scheduled' | 'delivered'; date: string; summary?: string }) {
    const { page } = director;
    await page.goto(`/cases/${caseId}/engagements/new`);
    await page.locator(`label[for="field-status-${fields.status}"]`).click();
    await page.getByLabel('Date', { exact: true }).fill(fields.date);
    await page.getByLabel(/Start time/).fill('10:00');
    await page.locator('label[for="field-format-one_on_one"]').click();
    await page.getByLabel('Number of participants').fill('3');
    if (fields.summary) await page.getByLabel('Summary notes').fill(fields.summary);
    await submitForm(page, () => page.getByRole('button', { name: 'Add engagement' }).click(), {
      status: 303,
      url: /\?saved=1#engagements$/,
    });
  }

  it('The director completes a case with 2 meetings still scheduled: the form asks, and "cancel them" mails the requester two METHOD:CANCEL files with the meetings\' UIDs', async function () {
    this.timeout(120_000);
    const kase = await apiRequest(app, db, 'complete.journey@example.org');
    // Submitted a month ago, so that the meeting delivered two days ago came after the request.
    await db('cases')
      .where({ id: kase.caseId })
      .update({ submitted_at: new Date(Date.now() - 30 * 86_400_000).toISOString() });
    const { page } = director;
    await page.goto(`/cases/${kase.caseId}`);
    await page.locator('#assignment .usa-radio').filter({ hasText: CONSULTANT.name }).locator('label').click();
    await submitForm(page, () => page.getByRole('button', { name: 'Save assignment' }).click(), {
      status: 303,
      url: /\?saved=1#assignment$/,
    });
    await addEngagement(kase.caseId, { status: 'delivered', date: isoDay(-2), summary: 'First session held.' });
    await addEngagement(kase.caseId, { status: 'scheduled', date: isoDay(10) });
    await addEngagement(kase.caseId, { status: 'scheduled', date: isoDay(17) });
    const scheduled = (await db('engagements').where({ case_id: kase.caseId, status: 'scheduled' }).orderBy('id').select('id')).map((r) =>
      Number(r.id),
    );
    assert.equal(scheduled.length, 2);

    const complete = page.locator('#status form').filter({ has: page.getByRole('button', { name: 'Complete' }) });
    await complete.getByLabel('Closing summary').fill('The board adopted its equity goals.');
    await submitForm(page, () => complete.getByRole('button', { name: 'Complete' }).click(), { status: 422 });
    assert.match((await page.locator('#field-cancel_scheduled-error').textContent()) ?? '', /2 engagements are still scheduled/);
    assert.equal(await page.locator('#field-closing_summary').inputValue(), 'The board adopted its equity goals.');
    assert.equal(await page.getByRole('link', { name: 'Go back to the engagements' }).count(), 1);
    await auditPage(page, 'the completion form asking about scheduled engagements');
    await submitForm(page, () => page.getByRole('button', { name: 'Cancel them and complete the case' }).click(), {
      status: 303,
      url: /\?saved=1#status$/,
    });
    assert.match((await page.locator('#status-heading').textContent()) ?? '', /Status: Completed/);

    const mails = await db('outbox')
      .where({ case_id: kase.caseId, kind: 'engagement-cancelled', to_address: 'complete.journey@example.org' })
      .select('ics');
    assert.equal(mails.length, 2);
    const host = new URL(app.baseUrl).host;
    const uids = mails.map((m) => {
      assert.match(m.ics, /\r\nMETHOD:CANCEL\r\n/);
      const events = Object.values(ical.sync.parseICS(m.ics)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
      assert.equal(events.length, 1);
      return events[0].uid;
    });
    assert.deepEqual(uids.sort(), scheduled.map((id) => `engagement-${id}@${host}`).sort());

    // The requester sees no meetings ahead, and rates the help from the link with a trailing slash,
    // a rating missing the first time.
    const r = requester.page;
    await r.goto(`${kase.statusPath}/`);
    assert.match((await r.locator('#status-heading').textContent()) ?? '', /Status: Completed/);
    assert.equal(await r.locator('#upcoming-heading').count(), 0);
    await r.locator('label[for="field-quality-5"]').click();
    await r.locator('label[for="field-relevance-4"]').click();
    await submitForm(r, () => r.getByRole('button', { name: 'Send feedback' }).click(), { status: 422 });
    assert.ok(await r.locator('#field-quality-5').isChecked(), 'the rating given is kept');
    await auditPage(r, 'the status page with a survey error (phone)');
    await r.locator('label[for="field-usefulness-3"]').click();
    await submitForm(r, () => r.getByRole('button', { name: 'Send feedback' }).click(), { status: 303, url: /\?thanks=1#feedback$/ });
    assert.match((await r.locator('#feedback').textContent()) ?? '', /Thank you: your feedback has been received/);
    const stored = await db('feedback').where({ case_id: kase.caseId }).first();
    assert.deepEqual([Number(stored.quality), Number(stored.relevance), Number(stored.usefulness)], [5, 4, 3]);
  });

  it("The director declines a request with a reason: the status page shows it, the requester's mail holds it, and the requester can still write", async function () {
    this.timeout(60_000);
    const kase = await apiRequest(app, db, 'decline.journey@example.org');
    const reason = 'LEEP is not taking on strategic plan reviews this year; the NASBE policy team can help.';
    const { page } = director;
    await page.goto(`/cases/${kase.caseId}`);
    const decline = page.locator('#status form').filter({ has: page.getByRole('button', { name: 'Decline' }) });
    await decline.getByLabel('Reason to Decline').fill(reason);
    await submitForm(page, () => decline.getByRole('button', { name: 'Decline' }).click(), { status: 303, url: /\?saved=1#status$/ });

    const r = requester.page;
    await r.goto(kase.statusPath);
    assert.match((await r.locator('#status-heading').textContent()) ?? '', /Status: Declined/);
    assert.equal((await r.locator('#closing-reason').textContent())?.trim(), reason);
    assert.equal(await r.locator('#upcoming-heading').count(), 0);
    await auditPage(r, 'the status page of a declined request (phone)');
    const [mail] = await db('outbox').where({ case_id: kase.caseId, kind: 'request-closed' }).select('to_address', 'text_body');
    assert.equal(mail.to_address, 'decline.journey@example.org');
    assert.ok(mail.text_body.includes(reason), mail.text_body);

    await r.getByLabel('Write to the LEEP team').fill('Thank you. Could you put us in touch with the policy team?');
    await submitForm(r, () => r.getByRole('button', { name: 'Send message' }).click(), { status: 303, url: /\?sent=1#messages$/ });
    assert.match((await r.locator('#messages .message-list').textContent()) ?? '', /put us in touch/);
  });

  it('The director cancels an engagement from its edit page: a confirmation page (no JavaScript needed) asks first, and only "yes" cancels it', async function () {
    this.timeout(60_000);
    const kase = await apiRequest(app, db, 'confirm.journey@example.org');
    await addEngagement(kase.caseId, { status: 'scheduled', date: isoDay(8) });
    const id = Number((await db('engagements').where({ case_id: kase.caseId }).first('id')).id);
    const { page } = director;
    await page.goto(`/engagements/${id}/edit`);
    await submitForm(page, () => page.getByRole('button', { name: 'Cancel this engagement' }).click(), { status: 200 });
    assert.match((await page.locator('h1').textContent()) ?? '', /^Cancel the one-on-one discussion of /);
    await auditPage(page, 'the confirmation page');
    assert.equal((await db('engagements').where({ id }).first('status')).status, 'scheduled', 'the first click changed nothing');
    await submitForm(page, () => page.getByRole('button', { name: 'Yes, cancel the engagement' }).click(), {
      status: 303,
      url: /\?saved=1#engagements$/,
    });
    assert.equal((await db('engagements').where({ id }).first('status')).status, 'cancelled');
  });
});
