// One request's whole life in Chromium, against the built server: asked for on a phone with the
// keyboard only, triaged and assigned by a director, delivered and closed by a consultant, rated
// by the requester, counted on the dashboard. It is one test of named steps, each continuing the
// one before it: the journey runs whole or fails at the step named in its failure. The steps are
// in test/helpers/journey-steps-<phase>.ts, run in order by test/helpers/journey-steps.ts.
import assert from 'node:assert/strict';
import { RunningApp, describeInChromium, newPerson, startApp } from '../helpers/browser';
import type { Person } from '../helpers/journey-context';
import { journeySteps } from '../helpers/journey-steps';

describeInChromium('The whole journey of a request, in Chromium against the built server', function () {
  let app: RunningApp;
  let director: Person;
  let requester: Person;
  let consultant: Person;

  before(async function () {
    this.timeout(90_000);
    app = await startApp();
    director = await newPerson(app.baseUrl);
    requester = await newPerson(app.baseUrl, { phone: true });
    consultant = await newPerson(app.baseUrl);
  });

  after(async function () {
    this.timeout(30_000);
    for (const p of [director, requester, consultant]) await p?.context.close();
    await app?.stop();
  });

  // After each step: the server still runs, and the browser reported nothing.
  const checkStep = () => {
    assert.equal(app.crashed(), undefined, 'the server is still running');
    // Script errors or blocked inline code (the CSP forbids it) fail the step that caused them.
    for (const p of [director, requester, consultant]) {
      const problems = p?.problems.splice(0) ?? [];
      assert.deepEqual(problems, [], 'the browser reported no script errors or Content-Security-Policy violations');
    }
  };

  it('runs the journey, step by step', async function () {
    for (const { title, run } of journeySteps(director, requester, consultant)) {
      try {
        await run.call(this);
        checkStep();
      } catch (err) {
        if (err instanceof Error) err.message = `step "${title}": ${err.message}`;
        throw err;
      }
    }
  });
});
