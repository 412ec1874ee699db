import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';

const headline = (html: string) => Number(/class="headline__figure"><a href="[^"]*">([\d,]+)<\/a><\/p>\s*<p class="headline__label">delivered engagements/.exec(html)?.[1].replace(/,/g, '') ?? NaN);
const served = (html: string) => Number(/<a href="#coverage">(\d+)<\/a>/.exec(html)?.[1] ?? NaN);

describeEachEngine('Dashboard figures cache', (ctx) => {
  const { app } = testApp();

  it('GET /dashboard, after an engagement is delivered, a consultant renamed and a row added, shows the new figures at once', async () => {
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser({ role: 'consultant', name: 'Ada Before' });
    const d = await signInAs(app, director);
    const created = await request(app).post('/api/v1/requests').send(requestPayload({ jurisdiction: 'KY' }));
    const caseId = Number((await ctx.db.knex('cases').where({ reference: created.body.reference }).first('id')).id);
    // Delivered work may not predate a request from the API: this one came in before the engagement.
    await ctx.db.knex('cases').where({ id: caseId }).update({ submitted_at: '2024-03-01T15:00:00.000Z' });
    const first = await d.get('/dashboard');
    assert.equal(headline(first.text), 0);
    assert.equal(served(first.text), 0);
    assert.equal((await d.get('/dashboard')).text.length > 0, true);

    const token = csrfTokenOf((await d.get(`/cases/${caseId}/engagements/new`)).text);
    const add = await d.post(`/cases/${caseId}/engagements`).type('form').send(encodeForm({
      _csrf: token, status: 'delivered', date: '2024-03-05', duration_minutes: '60', format: 'one_on_one', consultant_ids: [String(consultant.id)], participant_count: '2', jurisdictions: ['KY'], summary: 'Done',
    }));
    assert.equal(add.status, 303, add.text.slice(0, 500));
    const second = await d.get('/dashboard');
    assert.equal(headline(second.text), 1);
    assert.equal(served(second.text), 1);
    assert.match(second.text, /Ada Before/);

    await ctx.db.knex('users').where({ id: consultant.id }).update({ name: 'Ada After', updated_at: new Date(Date.now() + 1000).toISOString() });
    const third = await d.get('/dashboard');
    assert.match(third.text, /Ada After/);
    assert.doesNotMatch(third.text, /Ada Before/);
  });
});
