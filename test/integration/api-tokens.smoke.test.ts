import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';

describeEachEngine('API tokens (smoke)', () => {
  const { app } = testApp();
  it('creates a token once, uses it, revokes it', async () => {
    const director = await makeUser({ role: 'director' });
    const d = await signInAs(app, director);
    const page = await d.get('/admin/tokens');
    assert.equal(page.status, 200, page.text);
    const made = await d.post('/admin/tokens').type('form').send(encodeForm({ _csrf: csrfTokenOf(page.text), name: 'Workbook' }));
    assert.equal(made.status, 303);
    const shown = await d.get('/admin/tokens');
    const token = /<code class="new-token">([^<]+)<\/code>/.exec(shown.text)?.[1] as string;
    assert.ok(token);
    assert.doesNotMatch((await d.get('/admin/tokens')).text, new RegExp(token));
    const cov = await request(app).get('/api/v1/reports/coverage').set('Authorization', `Bearer ${token}`);
    assert.equal(cov.status, 200, cov.text);
    assert.equal(cov.body.states_total, 51);
    assert.equal((await request(app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`)).status, 200);
    assert.equal((await request(app).get('/api/v1/engagements?per_page=500').set('Authorization', `Bearer ${token}`)).status, 400);
    assert.equal((await request(app).get('/api/v1/cases').set('Authorization', 'Bearer leep_nope')).status, 401);
    const id = /\/admin\/tokens\/(\d+)\/revoke/.exec(shown.text)?.[1];
    const rev = await d.post(`/admin/tokens/${id}/revoke`).type('form').send(encodeForm({ _csrf: csrfTokenOf(shown.text) }));
    assert.equal(rev.status, 303);
    assert.equal((await request(app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`)).status, 401);
  });
});
