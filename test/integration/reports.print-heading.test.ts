import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';

/** The text of the line under the dashboard's h1 that says the period and filters. */
const scopeOf = (html: string) => /<p class="[^"]*dashboard-scope[^"]*">([^<]*)<\/p>/.exec(html)?.[1];

describeEachEngine('Dashboard heading: the period and filters in words', () => {
  const { app } = testApp();

  it('GET /dashboard, filtered to 2024 and the Technical Assistance track, says so in words under its heading', async () => {
    const director = await signInAs(app, await makeUser({ role: 'director' }));

    const res = await director.get('/dashboard?from=2024-01-01&to=2024-12-31&track=ta');

    assert.equal(res.status, 200);
    assert.equal(scopeOf(res.text), 'Period: Jan 1, 2024 to Dec 31, 2024 · Track: Technical Assistance');
  });

  it('GET /dashboard, without filters, says the period and that every state, track, format, topic and consultant is counted', async () => {
    const director = await signInAs(app, await makeUser({ role: 'director' }));

    const res = await director.get('/dashboard?from=2024-01-01&to=2024-12-31');

    assert.equal(res.status, 200);
    assert.equal(scopeOf(res.text), 'Period: Jan 1, 2024 to Dec 31, 2024 · All states, tracks, formats, topics and consultants');
  });

  it('the print stylesheet, for the dashboard, hides navigation, forms and buttons', () => {
    const css = fs.readFileSync(path.resolve(__dirname, '..', '..', 'public', 'css', 'app.css'), 'utf8');
    const print = css.slice(css.lastIndexOf('@media print'));
    for (const selector of ['nav', 'form', 'button', '.usa-button'])
      assert.match(print, new RegExp(`body:has\\(\\.dashboard-scope\\) ${selector.replace('.', '\\.')}[,\\s]`), selector);
    assert.match(print, /display: none !important/);
  });
});
