import assert from 'node:assert/strict';
import request from 'supertest';
import ical from 'node-ical';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { requestPayload } from '../helpers/factories';

describeEachEngine('Engagements (smoke)', (ctx) => {
  const { app } = testApp();
  it('schedules, downloads, delivers and shows on my work and the status page', async () => {
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser({ role: 'consultant' });
    const api = await request(app).post('/api/v1/requests').send(requestPayload());
    const statusPath = new URL(api.body.status_url).pathname;
    const caseId = Number((await ctx.db.knex('cases').first('id')).id);
    const d = await signInAs(app, director);
    const token = csrfTokenOf((await d.get(`/cases/${caseId}`)).text);
    await d.post(`/cases/${caseId}/assignment`).type('form').send(encodeForm({ _csrf: token, lead_consultant_id: String(consultant.id) })).expect(303);
    const c = await signInAs(app, consultant);
    const form = await c.get(`/cases/${caseId}/engagements/new`);
    assert.equal(form.status, 200, form.text);
    const t = csrfTokenOf(form.text);
    const add = await c.post(`/cases/${caseId}/engagements`).type('form').send(encodeForm({
      _csrf: t, status: 'scheduled', date: '2030-03-01', start_time: '10:00', duration_minutes: '90', format: 'small_group',
      consultant_ids: [String(consultant.id)], participant_count: '3', jurisdictions: ['OH', 'KY'], attendees: 'Ann Lee, Board member, OH\nBo Diaz, KY', topics: ['equity-lens'],
    }));
    assert.equal(add.status, 303, add.text);
    const e = await ctx.db.knex('engagements').first();
    const ics = await c.get(`/engagements/${e.id}.ics`);
    assert.equal(ics.status, 200);
    const parsed = Object.values(ical.sync.parseICS(ics.text)).find((v) => v.type === 'VEVENT') as ical.VEvent;
    assert.equal(new Date(parsed.start).toISOString(), '2030-03-01T15:00:00.000Z');
    const mywork = await c.get('/my-work');
    assert.equal(mywork.status, 200, mywork.text);
    assert.match(mywork.text, /Upcoming engagements/);
    const status = await request(app).get(statusPath);
    assert.match(status.text, /March 1, 2030/);
    const caseHtml = await c.get(`/cases/${caseId}`);
    assert.match(caseHtml.text, /Small-group facilitation/);
    const edit = await c.get(`/engagements/${e.id}/edit`);
    assert.equal(edit.status, 200, edit.text);
    const bad = await c.post(`/engagements/${e.id}`).type('form').send(encodeForm({
      _csrf: t, status: 'delivered', date: '2030-03-01', duration_minutes: '90', format: 'small_group', consultant_ids: [String(consultant.id)], participant_count: '3', jurisdictions: ['OH'],
    }));
    assert.equal(bad.status, 422);
    const ok = await c.post(`/engagements/${e.id}`).type('form').send(encodeForm({
      _csrf: t, status: 'delivered', date: '2026-01-05', duration_minutes: '90', format: 'small_group', consultant_ids: [String(consultant.id)], participant_count: '3', jurisdictions: ['OH', 'KY'], summary: 'Done well',
    }));
    assert.equal(ok.status, 303, ok.text);
    assert.equal((await ctx.db.knex('cases').first('status')).status, 'in_progress');
  });
});
