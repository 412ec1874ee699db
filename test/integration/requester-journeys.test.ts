// Issue 14: every path after a mistake, a refusal or a change ends well (status page forms,
// declines, completing with meetings left, moved and cancelled meetings, refused moves).
import assert from 'node:assert/strict';
import type { Express } from 'express';
import ical from 'node-ical';
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { StaffClient, staffClient } from '../helpers/cases';
import { daysFromToday, engagementForm, makeCase, postForm, staffAgent, storeEngagement } from '../helpers/engagements';

/** The VEVENTs of a calendar file, read by node-ical (not by the code that wrote it). */
function eventsIn(ics: string): ical.VEvent[] {
  return Object.values(ical.sync.parseICS(ics)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
}
const methodOf = (ics: string) =>
  (ical.sync.parseICS(ics) as unknown as { vcalendar?: { method?: string } }).vcalendar?.method ?? /\r\nMETHOD:(\w+)\r\n/.exec(ics)?.[1];

/** The action of every form on a page. */
const formActions = (html: string) => [...html.matchAll(/<form\b[^>]*\saction="([^"]*)"/g)].map((m) => m[1]);

/** A requester's browser on their status page: posts one of its forms with the page's token. */
async function requester(app: Express, page: string) {
  const agent = request.agent(app);
  const res = await agent.get(page).expect(200);
  return { agent, html: res.text, token: csrfTokenOf(res.text) };
}

describeEachEngine('Requester journeys after a mistake, a refusal or a change', (ctx) => {
  const { app, config } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** A case in progress (one delivered engagement), led by a new consultant. */
  async function caseInProgress(options: { supporters?: Awaited<ReturnType<typeof makeUser>>[] } = {}) {
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, supporters: options.supporters });
    await storeEngagement(kase.id, lead, { status: 'delivered', date: daysFromToday(-3), summary: 'Kick-off held' });
    return { lead, kase };
  }

  const outbox = (caseId: number, kind?: string) => {
    const q = ctx.db.knex('outbox').where({ case_id: caseId }).orderBy('id');
    return kind ? q.andWhere({ kind }) : q;
  };

  describe('the status page forms', () => {
    it('POST /status/:token/feedback, with a rating missing and then complete, answers 422 with forms posting to the token, then stores the ratings', async () => {
      const { lead, kase } = await caseInProgress();
      await director
        .post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done well' })
        .then((r) => assert.equal(r.status, 303, r.text.slice(0, 500)));
      const { agent, token } = await requester(app, kase.statusPath);
      const bad = await agent
        .post(`${kase.statusPath}/feedback`)
        .type('form')
        .send(encodeForm({ _csrf: token, quality: '5', relevance: '4' }));
      assert.equal(bad.status, 422);
      assert.deepEqual(formActions(bad.text), [`${kase.statusPath}/feedback`, `${kase.statusPath}/messages`]);
      const good = await agent
        .post(formActions(bad.text)[0])
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(bad.text), quality: '5', relevance: '4', usefulness: '3' }));
      assert.equal(good.status, 303, good.text.slice(0, 500));
      const stored = await ctx.db.knex('feedback').where({ case_id: kase.id }).first();
      assert.deepEqual([Number(stored.quality), Number(stored.relevance), Number(stored.usefulness)], [5, 4, 3]);
      assert.ok(lead);
    });

    it('GET /status/:token/ (trailing slash), renders forms that post to /status/:token/…, and a message sent from it is stored', async () => {
      const { kase } = await caseInProgress();
      const { agent, html, token } = await requester(app, `${kase.statusPath}/`);
      assert.deepEqual(formActions(html), [`${kase.statusPath}/messages`]);
      const empty = await agent
        .post(`${kase.statusPath}/messages`)
        .type('form')
        .send(encodeForm({ _csrf: token, body: ' ' }));
      assert.equal(empty.status, 422);
      assert.deepEqual(formActions(empty.text), [`${kase.statusPath}/messages`]);
      const sent = await agent
        .post(formActions(empty.text)[0])
        .type('form')
        .send(encodeForm({ _csrf: csrfTokenOf(empty.text), body: 'Second try' }));
      assert.equal(sent.status, 303);
      assert.equal((await ctx.db.knex('case_messages').where({ case_id: kase.id, body: 'Second try' })).length, 1);
    });
  });

  describe('declining and withdrawing', () => {
    it('POST /cases/:id/status to declined, shows the reason on the status page, mails it to the requester, and the requester can still write', async () => {
      const kase = await makeCase(config);
      const reason = 'This work is outside what LEEP offers this year.';
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'declined', reason })).status, 303);
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.match(page.text, /id="closing-reason">This work is outside what LEEP offers this year\.</);
      assert.doesNotMatch(page.text, /Upcoming meetings|Your consultant will arrange/);
      const [mail] = await outbox(kase.id, 'request-closed');
      assert.ok(mail, 'no mail to the requester');
      assert.equal(mail.to_address, 'dana.whitfield@example.org');
      assert.ok(mail.text_body.includes(reason), mail.text_body);
      assert.match(mail.subject, /declined/);
      const { agent, token } = await requester(app, kase.statusPath);
      const res = await agent
        .post(`${kase.statusPath}/messages`)
        .type('form')
        .send(encodeForm({ _csrf: token, body: 'Could you suggest someone else?' }));
      assert.equal(res.status, 303);
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'declined');
      // No consultant on a declined request: the directors are told.
      assert.ok((await outbox(kase.id, 'message-from-requester')).some((m) => m.to_address === director.user.email));
    });

    it('POST /cases/:id/status to withdrawn, mails the reason to the requester', async () => {
      const kase = await makeCase(config);
      assert.equal(
        (await director.post(`/cases/${kase.id}/status`, { to: 'withdrawn', reason: 'The board asked us to stop.' })).status,
        303,
      );
      const [mail] = await outbox(kase.id, 'request-closed');
      assert.ok(mail?.text_body.includes('The board asked us to stop.'));
      assert.match((await request(app).get(kase.statusPath)).text, /The board asked us to stop\./);
    });
  });

  describe('completing a case with meetings still scheduled', () => {
    it('POST /cases/:id/status to completed, with 2 scheduled engagements, asks first (422), then cancels both and mails METHOD:CANCEL files with their UIDs', async () => {
      const { lead, kase } = await caseInProgress();
      const first = await storeEngagement(kase.id, lead, { date: daysFromToday(10), start_time: '10:00' });
      const second = await storeEngagement(kase.id, lead, { date: daysFromToday(20), start_time: '14:00' });
      const asked = await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'All done' });
      assert.equal(asked.status, 422);
      assert.match(asked.text, /2 engagements are still scheduled/);
      assert.match(asked.text, /name="cancel_scheduled" value="yes"/);
      assert.match(asked.text, />All done<\/textarea>/);
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'in_progress');

      const done = await director.post(`/cases/${kase.id}/status`, {
        to: 'completed',
        closing_summary: 'All done',
        cancel_scheduled: 'yes',
      });
      assert.equal(done.status, 303, done.text.slice(0, 500));
      const statuses = await ctx.db.knex('engagements').whereIn('id', [first, second]).orderBy('id').select('status');
      assert.deepEqual(
        statuses.map((r) => r.status),
        ['cancelled', 'cancelled'],
      );
      const cancels = (await outbox(kase.id, 'engagement-cancelled')).filter((m) => m.to_address === 'dana.whitfield@example.org');
      assert.equal(cancels.length, 2);
      const uids = cancels.map((m) => {
        assert.equal(methodOf(m.ics), 'CANCEL');
        const [event] = eventsIn(m.ics);
        assert.equal(event.status, 'CANCELLED');
        return event.uid;
      });
      assert.deepEqual(uids.sort(), [`engagement-${first}@leep.test`, `engagement-${second}@leep.test`].sort());
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.doesNotMatch(page.text, /Upcoming meetings|\.ics"/);
    });
  });

  describe('moving and cancelling an engagement', () => {
    it('POST /engagements/:id, moving the date and setting a place, mails the requester and the consultant a file with the same UID, a higher SEQUENCE and LOCATION', async () => {
      const supporter = await makeUser({ role: 'consultant' });
      const { lead, kase } = await caseInProgress({ supporters: [supporter] });
      const agent = await staffAgent(app, lead);
      const fields = engagementForm([lead], { date: daysFromToday(9) });
      assert.equal((await postForm(agent, `/cases/${kase.id}/engagements`, fields)).status, 303);
      const id = Number((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' }).first('id')).id);
      const [scheduled] = await outbox(kase.id, 'engagement-scheduled');
      const before = eventsIn(scheduled.ics)[0];

      const moved = await postForm(agent, `/engagements/${id}`, { ...fields, date: daysFromToday(12), location: 'Room 4, State Capitol' });
      assert.equal(moved.status, 303, moved.text.slice(0, 1000));
      const mails = await outbox(kase.id, 'engagement-scheduled');
      assert.equal(mails.length, 2);
      assert.match(mails[1].subject, /^Moved: /);
      const after = eventsIn(mails[1].ics)[0];
      assert.equal(after.uid, before.uid);
      assert.equal(after.uid, `engagement-${id}@leep.test`);
      assert.ok(Number(after.sequence) > Number(before.sequence ?? 0), `SEQUENCE ${after.sequence} after ${before.sequence}`);
      assert.equal(String(after.location), 'Room 4, State Capitol');
      assert.equal(methodOf(mails[1].ics), 'REQUEST');
      const team = await outbox(kase.id, 'engagement-team');
      assert.deepEqual(
        team.map((m) => m.to_address),
        [lead.email],
      );
      assert.equal(eventsIn(team[0].ics)[0].uid, before.uid);
      const page = await request(app).get(kase.statusPath).expect(200);
      assert.match(page.text, /Room 4, State Capitol/);
    });

    it('POST /engagements/:id, moving a meeting left on a completed case, mails nobody and the status page shows no meetings', async () => {
      const { lead, kase } = await caseInProgress();
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      const agent = await staffAgent(app, lead);
      const fields = engagementForm([lead], { date: daysFromToday(9) });
      assert.equal((await postForm(agent, `/cases/${kase.id}/engagements`, fields)).status, 303);
      const id = Number((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' }).first('id')).id);
      assert.equal((await postForm(agent, `/engagements/${id}`, { ...fields, date: daysFromToday(11) })).status, 303);
      const mails = await ctx.db.knex('outbox').where({ case_id: kase.id }).whereIn('kind', ['engagement-scheduled', 'engagement-team']);
      assert.deepEqual(mails, []);
      assert.doesNotMatch((await request(app).get(kase.statusPath).expect(200)).text, /Upcoming meetings/);
    });

    it('POST /engagements/:id, with a javascript: video-meeting link, answers 422 at the field and saves nothing', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const res = await postForm(agent, `/cases/${kase.id}/engagements`, engagementForm([lead], { meeting_url: 'javascript:alert(1)' }));
      assert.equal(res.status, 422);
      assert.match(res.text, /id="field-meeting_url-error"[^>]*>Enter a video-meeting link/);
      assert.equal((await ctx.db.knex('engagements').where({ case_id: kase.id, status: 'scheduled' })).length, 0);
    });

    it('POST /engagements/:id/cancel, confirmed, mails the requester and the consultant a METHOD:CANCEL file with the meeting link as its URL', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const id = await storeEngagement(kase.id, lead, { date: daysFromToday(5), meeting_url: 'https://meet.example.org/leep-42' });
      const asked = await postForm(agent, `/engagements/${id}/cancel`);
      assert.equal(asked.status, 200);
      assert.match(asked.text, /name="confirm" value="yes"/);
      assert.equal((await ctx.db.knex('engagements').where({ id }).first('status')).status, 'scheduled');
      assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
      const mails = await ctx.db
        .knex('outbox')
        .where({ case_id: kase.id })
        .whereIn('kind', ['engagement-cancelled', 'engagement-team'])
        .orderBy('to_address');
      assert.deepEqual(mails.map((m) => m.to_address).sort(), ['dana.whitfield@example.org', lead.email].sort());
      for (const m of mails) {
        assert.equal(methodOf(m.ics), 'CANCEL');
        const [event] = eventsIn(m.ics);
        assert.equal(event.uid, `engagement-${id}@leep.test`);
        assert.equal(Number(event.sequence), 1);
      }
    });

    it('POST /engagements/:id/delete, unconfirmed, answers a confirmation page and deletes nothing; confirmed, deletes it', async () => {
      const { lead, kase } = await caseInProgress();
      const agent = await staffAgent(app, lead);
      const id = await storeEngagement(kase.id, lead, { date: daysFromToday(5) });
      const asked = await postForm(agent, `/engagements/${id}/delete`);
      assert.equal(asked.status, 200);
      assert.deepEqual(
        formActions(asked.text).filter((a) => a.startsWith('/engagements')),
        [`/engagements/${id}/delete`],
      );
      assert.equal((await ctx.db.knex('engagements').where({ id })).length, 1);
      assert.equal((await postForm(agent, `/engagements/${id}/delete`, { confirm: 'yes' })).status, 303);
      assert.equal((await ctx.db.knex('engagements').where({ id })).length, 0);
      assert.equal((await outbox(kase.id, 'engagement-cancelled')).length, 1);
    });
  });

  describe('a refused status move', () => {
    it('POST /cases/:id/status, a stale move on a completed case, answers 409 with the case page, a message and the current status', async () => {
      const { kase } = await caseInProgress();
      assert.equal((await director.post(`/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);
      const res = await director.post(`/cases/${kase.id}/status`, { to: 'on_hold', reason: 'Waiting for the board' });
      assert.equal(res.status, 409);
      assert.match(res.text, /<h2 id="status-heading">Status: Completed<\/h2>/);
      assert.match(
        res.text,
        /Nothing was changed: A case that is completed cannot be moved to on hold\. The case is now <strong>Completed<\/strong>/,
      );
      assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first('status')).status, 'completed');
    });
  });

  describe('supporting consultants', () => {
    it('POST /cases/:id/assignment, adding a supporting consultant, mails them, and a message from the requester reaches them too', async () => {
      const lead = await makeUser({ role: 'consultant' });
      const supporter = await makeUser({ role: 'consultant' });
      const kase = await makeCase(config);
      const res = await director.post(`/cases/${kase.id}/assignment`, {
        lead_consultant_id: String(lead.id),
        supporting_ids: [String(supporter.id)],
      });
      assert.equal(res.status, 303);
      const told = await outbox(kase.id, 'supporter-assigned');
      assert.deepEqual(
        told.map((m) => m.to_address),
        [supporter.email],
      );
      const { agent, token } = await requester(app, kase.statusPath);
      assert.equal(
        (
          await agent
            .post(`${kase.statusPath}/messages`)
            .type('form')
            .send(encodeForm({ _csrf: token, body: 'Hello team' }))
        ).status,
        303,
      );
      const wrote = await outbox(kase.id, 'message-from-requester');
      assert.deepEqual(wrote.map((m) => m.to_address).sort(), [lead.email, supporter.email].sort());
    });
  });
});
