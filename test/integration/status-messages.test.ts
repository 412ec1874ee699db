import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import {
  StaffClient,
  caseRow,
  countFor,
  errorAt,
  eventsOf,
  lastEventId,
  makeCase,
  marker,
  re,
  shownValue,
  staffClient,
} from '../helpers/cases';
import type { CaseStatus } from '../../server/vocabulary';

/** The CSRF token of the status page's message form (the page may hold other forms). */
function messageFormToken(html: string): string {
  const form = /<form[^>]*action="[^"]*\/messages"[^>]*>[\s\S]*?<\/form>/.exec(html);
  assert.ok(form, 'the status page has no message form');
  return csrfTokenOf(form[0]);
}

/** The requester's browser: opens the status page (for its cookie and CSRF token) and posts its message form. */
async function requesterPosts(app: Express, statusPath: string, body: string) {
  const agent = request.agent(app);
  const page = await agent.get(statusPath).expect(200);
  return agent
    .post(`${statusPath}/messages`)
    .type('form')
    .send(encodeForm({ _csrf: messageFormToken(page.text), body }));
}

describeEachEngine('Messages and notes between the team and the requester', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  it('POST /status/:token/messages, from the requester, shows on the case page and as a timeline event', async () => {
    const kase = await makeCase(ctx.db.knex);
    const text = `When can we meet? ${marker()}`;
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await requesterPosts(app, kase.statusPath, text);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `${kase.statusPath}?sent=1#messages`);
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(
      events.map((e) => [e.kind, e.actor_kind, e.actor_user_id, e.after?.body]),
      [['case.message_received', 'requester', null, text]],
    );
    const page = await director.get(`/cases/${kase.id}`);
    assert.equal(page.status, 200);
    const messages = page.text.split('id="messages"')[1].split('</section>')[0];
    assert.match(messages, re(text));
    assert.match(messages, /Dana Whitfield \(requester\)/);
    const timeline = page.text.split('id="timeline"')[1];
    assert.match(timeline, /<strong>Requester<\/strong> Sent a message to the team/);
    assert.match(timeline, re(text));
  });

  it('POST /status/:token/messages, once sent, shows the message and a confirmation on the status page', async () => {
    const kase = await makeCase(ctx.db.knex);
    const text = `Thanks for the agenda ${marker()}`;
    const res = await requesterPosts(app, kase.statusPath, text);
    const page = await request(app).get(res.headers.location);
    assert.equal(page.status, 200);
    assert.match(page.text, /Your message has been sent to the LEEP team/);
    assert.match(page.text, re(text));
  });

  it('POST /cases/:id/messages, from staff, shows on the status page with the author', async () => {
    const kase = await makeCase(ctx.db.knex);
    const text = `Here is the agenda ${marker()}`;
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}/messages`, { body: text });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#messages`);
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(
      events.map((e) => [e.kind, e.actor_user_id, e.after?.body]),
      [['case.message_sent', director.user.id, text]],
    );
    const status = await request(app).get(kase.statusPath);
    assert.match(status.text, re(text));
    assert.match(status.text, re(`${director.user.name} (LEEP)`));
  });

  it('POST /cases/:id/messages, from the lead consultant, shows on the status page', async () => {
    const lead = await makeUser();
    const kase = await makeCase(ctx.db.knex, { status: 'assigned', leadId: lead.id });
    const client = await staffClient(app, lead);
    const text = `Let us schedule a call ${marker()}`;
    assert.equal((await client.post(`/cases/${kase.id}/messages`, { body: text })).status, 303);
    assert.match((await request(app).get(kase.statusPath)).text, re(text));
  });

  it('POST /cases/:id/notes, an internal note, never appears on the status page, not even in its HTML', async () => {
    const kase = await makeCase(ctx.db.knex);
    const secret = `internal-${marker()}`;
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}/notes`, { body: `Chair is hard to reach ${secret}` });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1#notes`);
    assert.deepEqual(
      (await eventsOf(ctx.db.knex, kase.id, since)).map((e) => e.kind),
      ['case.note_added'],
    );
    // A message sent after the note, so that the page's message list is there to leak into.
    await director.post(`/cases/${kase.id}/messages`, { body: 'A message for you' });
    const status = await request(app).get(kase.statusPath);
    assert.equal(status.status, 200);
    assert.match(status.text, /A message for you/);
    assert.ok(!status.text.includes(secret), 'the note leaked onto the status page');
    assert.doesNotMatch(status.text, /internal note/i);
    const casePage = await director.get(`/cases/${kase.id}`);
    assert.ok(casePage.text.split('id="notes"')[1].includes(secret), 'the note is on the case page');
  });

  it('POST /status/:token/messages, with an empty message, answers 422 with the message at the field and stores nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    const res = await requesterPosts(app, kase.statusPath, '   ');
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'body'), 'Enter a message');
    assert.match(res.text, /<a href="#field-body">Enter a message<\/a>/);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 0);
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
  });

  it('POST /status/:token/messages, with a message over 5,000 characters, answers 422 and keeps the text', async () => {
    const kase = await makeCase(ctx.db.knex);
    const long = `${'Long message & more. '.repeat(250)}<end>`;
    const res = await requesterPosts(app, kase.statusPath, long);
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'body'), 'A message must be 5,000 characters or fewer');
    assert.equal(shownValue(res.text, 'body'), long);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 0);
  });

  it('POST /cases/:id/messages, empty, answers 422 with the message at the field and stores nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    const res = await director.post(`/cases/${kase.id}/messages`, { body: '' });
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'body'), 'Enter a message');
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 0);
  });

  it('POST /cases/:id/messages, over 5,000 characters, answers 422 and keeps the text in the message box only', async () => {
    const kase = await makeCase(ctx.db.knex);
    const long = 'x'.repeat(5001);
    const res = await director.post(`/cases/${kase.id}/messages`, { body: long });
    assert.equal(res.status, 422);
    assert.equal(shownValue(res.text, 'body'), long);
    assert.equal(shownValue(res.text, 'note'), '');
  });

  it('POST /cases/:id/notes, empty, answers 422 with the message at the note box, keeps the other forms as stored and stores nothing', async () => {
    const kase = await makeCase(ctx.db.knex, { priority: 'high' });
    const res = await director.post(`/cases/${kase.id}/notes`, { body: ' ' });
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'note'), 'Enter a note');
    assert.equal(errorAt(res.text, 'body'), undefined, 'the message box shows no error');
    assert.match(res.text, /<option value="high" selected>/, 'the priority box still shows the stored priority');
    assert.equal(await countFor(ctx.db.knex, 'case_notes', kase.id), 0);
  });

  for (const status of ['declined', 'withdrawn'] as CaseStatus[]) {
    it(`POST /status/:token/messages, on a ${status} request, stores the message and leaves the case ${status}`, async () => {
      const kase = await makeCase(ctx.db.knex);
      const agent = request.agent(app);
      await ctx.db.knex('cases').where({ id: kase.id }).update({ status });
      const page = await agent.get(kase.statusPath).expect(200);
      // A closed request still lets the requester write to the team (issue 14); it is not reopened.
      const res = await agent
        .post(`${kase.statusPath}/messages`)
        .type('form')
        .send(encodeForm({ _csrf: messageFormToken(page.text), body: 'Please reconsider' }));
      assert.equal(res.status, 303);
      assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 1);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, status);
    });
  }

  it('POST /status/:token/messages, on a completed request, is still accepted', async () => {
    const kase = await makeCase(ctx.db.knex, { status: 'completed' });
    const res = await requesterPosts(app, kase.statusPath, 'One more question');
    assert.equal(res.status, 303);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 1);
  });

  it('POST /status/:token/messages, for a link that matches no request, answers 404', async () => {
    const kase = await makeCase(ctx.db.knex);
    const agent = request.agent(app);
    const page = await agent.get(kase.statusPath).expect(200);
    const res = await agent
      .post(`/status/${'A'.repeat(43)}/messages`)
      .type('form')
      .send(encodeForm({ _csrf: messageFormToken(page.text), body: 'Hello' }));
    assert.equal(res.status, 404);
  });

  it('GET /status/:token, once a lead is assigned, names the consultant, and not before', async () => {
    const lead = await makeUser({ name: `Rosa Lindqvist ${marker()}` });
    const kase = await makeCase(ctx.db.knex);
    const before = await request(app).get(kase.statusPath);
    assert.doesNotMatch(before.text, /Your consultant:/);
    assert.doesNotMatch(before.text, re(lead.name));
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    const after = await request(app).get(kase.statusPath);
    assert.match(after.text, re(`Your consultant: <strong>${lead.name}</strong>`));
    assert.match(after.text, /Status: Assigned/);
  });

  it('GET /status/:token, with staff messages and a supporting consultant, names only the lead as the consultant', async () => {
    const lead = await makeUser({ name: `Lead ${marker()}` });
    const supporter = await makeUser({ name: `Support ${marker()}` });
    const kase = await makeCase(ctx.db.knex);
    await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id), supporting_ids: [String(supporter.id)] });
    const page = await request(app).get(kase.statusPath);
    assert.match(page.text, re(`Your consultant: <strong>${lead.name}</strong>`));
    assert.ok(!page.text.includes(supporter.name));
    assert.equal((await caseRow(ctx.db.knex, kase.id)).status, 'assigned');
  });
});
