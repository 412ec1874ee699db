// The National Cohort in Chromium, against the built server: a director opens a cohort, a board
// member applies (getting an answer wrong first), a consultant scores the application blind, the
// director selects the applicant, who sees it, and takes the first meeting's attendance. Every
// page of the journey is checked with axe-core (WCAG 2.1 A and AA) and must have no violations.
// Each step continues the one before it (mocha runs them in order).
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { RunningApp, describeInChromium, createUserWithCli, isoDay, newPerson, startApp } from '../helpers/browser';
import { auditPage } from '../helpers/browser-a11y';

const DIRECTOR = {
  name: 'Renata Solis',
  email: 'renata.solis@nasbe.example',
  password: 'copper willow lantern 73',
  role: 'director' as const,
};
const REVIEWER = {
  name: 'Idris Calloway',
  email: 'idris.calloway@nasbe.example',
  password: 'maple quarry ribbon 29',
  role: 'consultant' as const,
};
const COHORT = 'Cohort of the browser journey';
const APPLICANT = { name: 'Marisol Etxeberria', email: 'marisol.e@board.example.gov', role: 'Vice chair' };

interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

describeInChromium('The National Cohort journey, in Chromium against the built server', function () {
  let app: RunningApp;
  let director: Person;
  let applicant: Person;
  let reviewer: Person;
  const state: { cohortUrl?: string; statusUrl?: string; reviewUrl?: string; decided?: boolean; networkDone?: boolean } = {};
  const needs = <K extends keyof typeof state>(key: K, step: string): NonNullable<(typeof state)[K]> => {
    assert.ok(state[key], `this step needs ${step}, which did not complete`);
    return state[key];
  };

  before(async function () {
    this.timeout(120_000);
    app = await startApp();
    await createUserWithCli(app, DIRECTOR);
    await createUserWithCli(app, REVIEWER);
    director = await newPerson(app.baseUrl);
    applicant = await newPerson(app.baseUrl, { phone: true });
    reviewer = await newPerson(app.baseUrl);
    await signIn(director.page, DIRECTOR);
    await signIn(reviewer.page, REVIEWER);
  });

  after(async function () {
    this.timeout(30_000);
    for (const p of [director, applicant, reviewer]) await p?.context.close();
    await app?.stop();
  });

  afterEach(function () {
    // Script errors or blocked inline code (the CSP forbids it) fail the step that caused them.
    for (const p of [director, applicant, reviewer]) {
      const problems = p?.problems.splice(0) ?? [];
      assert.deepEqual(problems, [], 'the browser reported no script errors or Content-Security-Policy violations');
    }
  });

  it('A director, from the Cohorts menu, opens a cohort with a meeting yesterday and one next month, and lands on its page', async function () {
    this.timeout(60_000);
    const { page } = director;
    await page.getByRole('link', { name: 'Cohorts', exact: true }).click();
    await page.waitForURL('**/cohorts');
    await auditPage(page, 'the cohorts page, for a director');
    await page.getByRole('link', { name: 'Open a cohort' }).click();
    await page.waitForURL('**/cohorts/new');
    await auditPage(page, 'the new-cohort form');
    await page.getByLabel('Name of the cohort').fill(COHORT);
    await page.getByLabel('Date of meeting 1').fill(isoDay(-1));
    await page.getByLabel('Is meeting 1 virtual or in person?').selectOption('virtual');
    await page.getByLabel('Place of meeting 1').fill('Zoom');
    await page.getByLabel('Date of meeting 2').fill(isoDay(30));
    await page.getByLabel('Is meeting 2 virtual or in person?').selectOption('in_person');
    await page.getByLabel('Place of meeting 2').fill('NASBE, Alexandria, Virginia');
    await page.getByRole('button', { name: 'Open the cohort' }).click();
    await page.waitForURL(/\/cohorts\/\d+\?saved=1$/);
    assert.equal(await page.locator('h1').textContent(), COHORT);
    await auditPage(page, 'the cohort page, new');
    // Only the reviewers a director chooses may score the cohort's applications.
    await page.locator('fieldset#field-reviewer_ids label').filter({ hasText: REVIEWER.name }).click();
    await page.getByRole('button', { name: 'Save the reviewers' }).click();
    await page.waitForURL(/\/cohorts\/\d+\?saved=1#reviewers$/);
    assert.match(await page.locator('#reviewers').innerText(), new RegExp(`${REVIEWER.name} reviews the applications blind`));
    state.cohortUrl = new URL(page.url()).pathname;
  });

  it('A board member, on a phone, finds the cohort, sends the application with a field missing, is shown the error with every answer kept, corrects it and reaches the status page', async function () {
    this.timeout(60_000);
    needs('cohortUrl', 'the cohort');
    const { page } = applicant;
    await page.goto('/cohorts');
    await auditPage(page, 'the public list of cohorts');
    await page.getByRole('link', { name: `Apply to ${COHORT}` }).click();
    await page.waitForURL(/\/cohorts\/\d+\/apply$/);
    await auditPage(page, 'the application form');
    await page.getByLabel('E-mail address').fill(APPLICANT.email);
    await page.getByLabel('Your state or jurisdiction').selectOption('NM');
    await page.getByLabel('Your role on the board').fill(APPLICANT.role);
    await page.getByLabel('Years on the board').fill('3');
    await page.getByLabel('Your commitment to equity').fill('I led our equity audit.');
    await page
      .getByLabel('Your openness to exploring race and culture in education')
      .fill('I want to learn how other boards talk about race.');
    await page.getByLabel('Your leadership').fill('I chaired the rewrite of our discipline policy.');
    await page.getByRole('button', { name: 'Send application' }).click();
    await page.waitForSelector('[data-error-summary]');
    assert.match((await page.locator('#field-name-error').textContent()) ?? '', /Enter your name/);
    assert.equal(
      await page.getByLabel('Your leadership').inputValue(),
      'I chaired the rewrite of our discipline policy.',
      'the answers are kept',
    );
    await auditPage(page, 'the application form with an error');
    await page.getByLabel('Your name').fill(APPLICANT.name);
    await page.getByRole('button', { name: 'Send application' }).click();
    await page.waitForURL(/\/applications\/[A-Za-z0-9_-]{43}\?received=1$/);
    assert.match((await page.locator('#decision-heading').textContent()) ?? '', /Under review/);
    await auditPage(page, 'the applicant status page');
    state.statusUrl = page.url().replace(/\?received=1$/, '');
  });

  it("A consultant chosen as reviewer, from Reviews, opens the application without the applicant's name, misses a comment, corrects it and then sees only the scores given", async function () {
    this.timeout(60_000);
    needs('statusUrl', 'the application');
    const { page } = reviewer;
    await page.getByRole('link', { name: 'Reviews', exact: true }).click();
    await page.waitForURL('**/reviews');
    await auditPage(page, 'the reviews list');
    assert.equal(await page.getByText(APPLICANT.name).count(), 0, 'the list does not name the applicant');
    await page.getByRole('link', { name: 'Application 1', exact: true }).click();
    await page.waitForURL(/\/reviews\/\d+$/);
    assert.equal(await page.getByText(APPLICANT.name).count(), 0, 'the review page does not name the applicant');
    assert.equal(await page.getByRole('heading', { name: 'Other reviewers' }).count(), 0, 'nothing of other reviewers before scoring');
    await auditPage(page, 'the review form');
    for (const [criterion, score] of [
      ['equity', 5],
      ['openness', 4],
      ['leadership', 4],
    ] as const)
      await page.locator(`label[for="field-${criterion}_score-${score}"]`).click();
    await page.getByLabel('Comment on commitment to equity').fill('Concrete and convincing.');
    await page.getByLabel('Comment on openness to exploring race and culture in education').fill('Open and curious.');
    await page.getByRole('button', { name: 'Save my scores' }).click();
    await page.waitForSelector('[data-error-summary]');
    assert.match((await page.locator('#field-leadership_comment-error').textContent()) ?? '', /Enter a comment on leadership/);
    assert.ok(await page.locator('#field-equity_score-5').isChecked(), 'the scores are kept');
    await auditPage(page, 'the review form with an error');
    await page.getByLabel('Comment on leadership').fill('Led a real change.');
    await page.getByRole('button', { name: 'Save my scores' }).click();
    await page.waitForURL(/\/reviews\/\d+\?saved=1$/);
    assert.match(await page.locator('main').innerText(), /Commitment to equity: 5 out of 5/);
    assert.match(await page.locator('main').innerText(), /Reviews are blind/);
    await auditPage(page, 'the review page after scoring');
    state.reviewUrl = page.url();
  });

  it('The director, on the ranking, sees the score, selects the applicant, and the applicant sees the decision on the status page', async function () {
    this.timeout(60_000);
    needs('reviewUrl', 'the review');
    const { page } = director;
    await page.goto(`${needs('cohortUrl', 'the cohort')}/applications`);
    assert.match(await page.locator('main').innerText(), new RegExp(`${REVIEWER.name}: 5, 4, 4`));
    await auditPage(page, 'the ranking of applications');
    await page.getByLabel(`Decision on ${APPLICANT.name}`).selectOption('selected');
    await page.getByRole('button', { name: `Save the decision on ${APPLICANT.name}` }).click();
    await page.waitForURL(/\/applications\?saved=1#application-\d+$/);
    assert.match(await page.locator('main').innerText(), /Decision saved/);
    await auditPage(page, 'the ranking after a decision');
    await applicant.page.goto(needs('statusUrl', 'the application'));
    assert.match((await applicant.page.locator('#decision-heading').textContent()) ?? '', /Selected/);
    assert.match(await applicant.page.locator('main').innerText(), /NASBE, Alexandria, Virginia/);
    await auditPage(applicant.page, 'the status page after selection');
    state.decided = true;
  });

  it("The director takes the first meeting's attendance, first without a mark, then with the participant present, and the roster shows it", async function () {
    this.timeout(60_000);
    needs('decided', 'the decision');
    const { page } = director;
    await page.goto(needs('cohortUrl', 'the cohort'));
    await auditPage(page, 'the cohort page with its roster');
    await page.getByRole('link', { name: 'Take attendance at meeting 1' }).click();
    await page.waitForURL(/\/meetings\/\d+\/attendance$/);
    await auditPage(page, 'the attendance form');
    await page.getByLabel('Summary notes').fill('Introductions and the first reading.');
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.waitForSelector('[data-error-summary]');
    assert.match(await page.locator('[data-error-summary]').innerText(), /Choose present, excused or absent for Marisol Etxeberria/);
    await auditPage(page, 'the attendance form with an error');
    await page.locator('fieldset[id^="field-attendance_"] label', { hasText: 'Present' }).click();
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.waitForURL(/\/cohorts\/\d+\?saved=1#roster$/);
    const row = await page.locator('.roster-table tbody tr').first().innerText();
    assert.match(row, /Marisol Etxeberria/);
    assert.match(row, /Present/);
    assert.match(row, /1 of 2/);
    assert.match(await page.locator('#meetings').innerText(), /Delivered/);
    await auditPage(page, 'the cohort page after attendance');
  });

  it('The director, from the Network menu, registers a state team, records yesterday’s expert talk and marks the team as attending', async function () {
    this.timeout(60_000);
    const { page } = director;
    await page.getByRole('link', { name: 'Network', exact: true }).click();
    await page.waitForURL('**/network');
    await auditPage(page, 'the network page');
    await page.getByRole('link', { name: 'Register a state team' }).click();
    await auditPage(page, 'the new-team form');
    await page.getByLabel('State or jurisdiction').selectOption('OR');
    await page.getByLabel('Name of member 1').fill('Lena Fairweather');
    await page.getByLabel('Role of member 1').fill('Board member');
    await page.getByLabel('Organization of member 1').selectOption('state_board');
    await page.getByRole('button', { name: 'Register the team' }).click();
    await page.waitForURL(/\/network\/teams\/\d+\?saved=1$/);
    await auditPage(page, 'the team page');
    await page.goto('/network/events/new');
    await auditPage(page, 'the new-event form');
    await page.getByLabel('Title of the event').fill('Expert talk on discipline data');
    await page.locator('label[for="field-kind-expert_talk"]').click();
    await page.getByLabel('Date', { exact: true }).fill(isoDay(-1));
    await page.getByRole('button', { name: 'Record the event' }).click();
    await page.waitForURL(/\/network\/events\/\d+\?saved=1$/);
    await auditPage(page, 'the event page with its attendance form');
    await page.locator('fieldset#field-team_ids label', { hasText: 'Oregon' }).click();
    await page.getByLabel('Summary notes').fill('Thirty minutes of talk, thirty of questions.');
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.waitForURL(/\/network\/events\/\d+\?saved=1$/);
    assert.match(await page.locator('main').innerText(), /Delivered · 1 participant\b/);
    await auditPage(page, 'the event page after attendance');
    state.networkDone = true;
  });

  it("The director's other pages (the edit forms, an assignment, an application, the training form with a mistake) pass the same checks", async function () {
    this.timeout(90_000);
    const cohortUrl = needs('cohortUrl', 'the cohort');
    needs('networkDone', 'the network step');
    const { page } = director;
    await page.goto(cohortUrl);
    await page.getByLabel('Title of the assignment').fill('Read the equity audit chapter');
    await page.getByLabel('Due date').fill(isoDay(7));
    await page.getByRole('button', { name: 'Add the assignment' }).click();
    await page.waitForURL(/\?saved=1#assignments$/);
    await page.getByRole('link', { name: /Record who completed it/ }).click();
    await auditPage(page, 'the assignment completion form');
    await page.locator('fieldset#field-completed label', { hasText: APPLICANT.name }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\?saved=1#assignments$/);
    assert.match(await page.locator('.roster-table').innerText(), /1 of 1/);
    await page.goto(`${cohortUrl}/edit`);
    await auditPage(page, 'the cohort edit form');
    await page.goto(`${cohortUrl}/applications`);
    await page.getByRole('link', { name: APPLICANT.name }).click();
    await auditPage(page, "the director's application page");
    await page.goto('/network');
    await auditPage(page, 'the network page with a team and an event');
    await page.getByRole('link', { name: 'Oregon' }).first().click();
    await page.getByRole('link', { name: 'Edit the team' }).click();
    await auditPage(page, 'the team edit form');
    await page.goBack();
    await page.getByRole('link', { name: 'Open a customized training case' }).click();
    await auditPage(page, 'the training form');
    await page.getByLabel('A short title for the training').fill('Reading the equity audit');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForSelector('[data-error-summary]');
    await auditPage(page, 'the training form with errors');
    await page.getByLabel('What the training should cover').fill('Two sessions on the audit with the agency staff.');
    await page.locator('label[for="field-topics-data-equity-audits"]').click();
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/\d+$/);
    assert.match(await page.locator('main').innerText(), /State Policy Network/);
    await page.goto('/network');
    await page.getByRole('link', { name: 'Expert talk on discipline data' }).click();
    await page.getByRole('link', { name: 'Edit the event' }).click();
    await auditPage(page, 'the event edit form');
  });
});
