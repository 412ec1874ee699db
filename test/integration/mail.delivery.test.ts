// Each event, driven through the app's routes as users make it, delivers the right message to the
// right people, once, through a real SMTP server.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import type { Config } from '../../server/config';
import type { MailWorker } from '../../server/services/mail.worker';
import { zonedToUtc } from '../../server/services/time';
import { csrfTokenOf, encodeForm, submitForm, testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { StaffClient, marker, re, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { ZONE, addEngagement, daysFromToday, engagementForm, makeCase, onlyEvent, postForm, staffAgent } from '../helpers/engagements';
import { requestForm, requestPayload } from '../helpers/factories';

/** A YYYY-MM-DD date as people read it in mail ("Mar 4, 2031"), worked out here, not by the app's formatter. */
const inWords = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
};
import {
  MAIL_FROM,
  ReceivedMail,
  TestSmtp,
  addressesIn,
  deliverAll,
  linesFor,
  mailWorker,
  outboxOf,
  pathOf,
  startSmtp,
} from '../helpers/mail';

const LINK = /http:\/\/leep\.test\/[^\s<>"]+/g;

/** The links in a text. */
const linksIn = (text: string): string[] => text.match(LINK) ?? [];

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  let app: Express;
  let config: Readonly<Config>;
  let smtp: TestSmtp;
  let worker: MailWorker;
  let director: StaffClient;
  let otherDirector: TestUser;
  let inactiveDirector: TestUser;
  let bystander: TestUser;

  before(async () => {
    // Built here, not when the file loads, so that notifications use this app's settings.
    ({ app, config } = testApp());
    smtp = await startSmtp();
    director = await staffClient(app, await makeUser({ role: 'director', name: 'Dora Director' }));
    otherDirector = await makeUser({ role: 'director', name: 'Otto Director' });
    inactiveDirector = await makeUser({ role: 'director', name: 'Ina Inactive', active: false });
    bystander = await makeUser({ role: 'consultant', name: 'Bea Bystander' });
  });

  beforeEach(async () => {
    worker = mailWorker(smtp.url);
    // What earlier set-up wrote (staff accounts write nothing, but be sure) goes out before the test.
    await deliverAll(worker);
  });

  afterEach(async () => {
    await worker.stop();
  });

  after(async () => {
    await smtp?.close();
  });

  const activeDirectorEmails = async (): Promise<string[]> =>
    (await ctx.db.knex('users').where({ role: 'director', active: true }).pluck('email')).map((e: string) => e.toLowerCase()).sort();
  const caseByEmail = async (email: string) => {
    const row = await ctx.db.knex('cases').where({ requester_email: email }).first('id', 'reference', 'title');
    assert.ok(row, `no case for ${email}`);
    return { id: Number(row.id), reference: String(row.reference), title: String(row.title) };
  };
  /** What the server received since `mark`, for the case. */
  const newFor = (mark: number, reference: string): ReceivedMail[] =>
    smtp.received.slice(mark).filter((m) => m.subject.includes(reference));
  const only = (messages: ReceivedMail[], to: string): ReceivedMail => {
    const found = messages.filter((m) => m.rcptTo.includes(to));
    assert.equal(found.length, 1, `expected one message to ${to}, got ${found.length}`);
    return found[0];
  };

  it('POST /requests, then the worker, sends the requester the status link and every active director a notice, once each', async () => {
    const email = `req.${marker()}@example.org`;
    const { res } = await submitForm(app, requestForm({ email }));
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const statusPath = String(res.headers.location);
    const kase = await caseByEmail(email);

    const mark = smtp.received.length;
    const directors = await activeDirectorEmails();
    assert.ok(directors.includes(otherDirector.email) && !directors.includes(inactiveDirector.email));
    assert.equal(await deliverAll(worker), 1 + directors.length);
    assert.equal(await worker.runOnce(), 0, 'a second run sent again');

    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [
        `${email} | We received your request ${kase.reference}`,
        ...directors.map((d) => `${d} | New request ${kase.reference} from Ohio`),
      ].sort(),
    );
    const all = smtp.received.flatMap((m) => m.rcptTo);
    assert.ok(!all.includes(inactiveDirector.email), 'an inactive director was written to');
    assert.ok(!all.includes(bystander.email), 'a consultant was written to about a new request');

    const toRequester = only(got, email);
    assert.deepEqual(toRequester.to, [email]);
    assert.deepEqual(addressesIn(toRequester.headers.from), addressesIn(MAIL_FROM));
    assert.match(toRequester.text, /^Hello,/);
    assert.deepEqual(linksIn(toRequester.text), [`http://leep.test${statusPath}`]);
    assert.match(toRequester.html, re(`<a href="http://leep.test${statusPath}">http://leep.test${statusPath}</a>`));
    const page = await request(app).get(pathOf(linksIn(toRequester.text)[0]));
    assert.equal(page.status, 200);
    assert.match(page.text, re(`Request ${kase.reference}`));

    const toDirector = only(got, otherDirector.email);
    assert.deepEqual(linksIn(toDirector.text), [`http://leep.test/cases/${kase.id}`]);
    assert.match(toDirector.text, re(`${kase.reference}: "${kase.title}"`));
    assert.ok(!toDirector.text.includes(statusPath), "the requester's private link was sent to staff");
  });

  it("POST /cases/:id/assignment, a new lead, sends the lead the case and the requester the consultant's name; saving it again sends nothing", async () => {
    const lead = await makeUser({ name: `Lena Lead ${marker()}` });
    const supporter = await makeUser({ name: 'Sam Supporter' });
    const email = `req.${marker()}@example.org`;
    const created = await request(app).post('/api/v1/requests').send(requestPayload({ email }));
    assert.equal(created.status, 201);
    const kase = await caseByEmail(email);
    await deliverAll(worker);

    const mark = smtp.received.length;
    const assignment = { lead_consultant_id: String(lead.id), supporting_ids: [String(supporter.id)] };
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, assignment)).status, 303);
    assert.equal(await deliverAll(worker), 3);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [
        `${email} | Your LEEP consultant for ${kase.reference}`,
        `${lead.email} | You are the lead on ${kase.reference}`,
        `${supporter.email} | You are supporting ${kase.reference}`,
      ].sort(),
    );
    const toLead = only(got, lead.email);
    assert.match(toLead.text, re(`Dear ${lead.name},`));
    assert.deepEqual(linksIn(toLead.text), [`http://leep.test/cases/${kase.id}`]);
    const toRequester = only(got, email);
    assert.match(toRequester.text, re(`${lead.name} is the LEEP consultant for your request ${kase.reference}`));
    assert.deepEqual(linksIn(toRequester.text), [String(created.body.status_url)]);

    const rows = (await outboxOf(ctx.db.knex, kase.id)).length;
    const again = smtp.received.length;
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, assignment)).status, 303);
    // The same lead with another team is a change of the team, not of the lead: still no mail.
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    assert.equal(await deliverAll(worker), 0);
    assert.equal(smtp.received.length, again);
    assert.equal((await outboxOf(ctx.db.knex, kase.id)).length, rows);
  });

  it('POST /cases/:id/assignment, another lead, sends the new lead and the requester a message naming the new lead', async () => {
    const first = await makeUser({ name: 'Fay First' });
    const second = await makeUser({ name: `Nico Next ${marker()}` });
    const kase = await makeCase(config, { lead: first });
    await deliverAll(worker);
    const mark = smtp.received.length;
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(second.id) })).status, 303);
    assert.equal(await deliverAll(worker), 2);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(got.flatMap((m) => m.rcptTo).sort(), ['dana.whitfield@example.org', second.email].sort());
    assert.match(only(got, 'dana.whitfield@example.org').text, re(`${second.name} is the LEEP consultant`));
    assert.ok(!got.some((m) => m.rcptTo.includes(first.email)));
  });

  it('POST /cases/:id/messages, from the lead, sends the requester the text (escaped in the HTML part) and the status link', async () => {
    const lead = await makeUser({ name: 'Lou Lead' });
    const email = `req.${marker()}@example.org`;
    const created = await request(app).post('/api/v1/requests').send(requestPayload({ email }));
    const kase = await caseByEmail(email);
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    await deliverAll(worker);
    const client = await staffClient(app, lead);
    const text = `Here is the <b>agenda</b> & the "plan" <script>alert(1)</script> ${marker()}`;

    const mark = smtp.received.length;
    assert.equal((await client.post(`/cases/${kase.id}/messages`, { body: text })).status, 303);
    assert.equal(await deliverAll(worker), 1);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(linesFor(got, kase.reference), [`${email} | A message about your request ${kase.reference}`]);
    const m = got[0];
    assert.ok(m.text.includes(`\n${text}\n`), m.text);
    assert.match(m.text, re(`Lou Lead of the LEEP team wrote about your request ${kase.reference}`));
    assert.deepEqual(linksIn(m.text), [String(created.body.status_url)]);
    assert.ok(!m.html.includes('<script>') && !m.html.includes('<b>'), 'the message was put into the HTML part unescaped');
    assert.match(m.html, re('Here is the &lt;b&gt;agenda&lt;/b&gt; &amp; the &quot;plan&quot; &lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('POST /status/:token/messages, on an assigned case, sends the lead and the active supporters the text, not directors or inactive staff', async () => {
    const lead = await makeUser({ name: 'Lia Lead' });
    const supporter = await makeUser({ name: 'Sid Supporter' });
    const leaver = await makeUser({ name: 'Lee Leaver' });
    const kase = await makeCase(config, { lead, supporters: [supporter, leaver] });
    await ctx.db.knex('users').where({ id: leaver.id }).update({ active: false });
    await deliverAll(worker);

    const agent = request.agent(app);
    const page = await agent.get(kase.statusPath).expect(200);
    const text = `Could we meet on Tuesday? ${marker()}`;
    const mark = smtp.received.length;
    const res = await agent
      .post(`${kase.statusPath}/messages`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), body: text }));
    assert.equal(res.status, 303);
    assert.equal(await deliverAll(worker), 2);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [lead.email, supporter.email].map((to) => `${to} | Dana Whitfield wrote about ${kase.reference}`).sort(),
    );
    for (const m of got) {
      assert.ok(m.text.includes(`\n${text}\n`), m.text);
      assert.deepEqual(linksIn(m.text), [`http://leep.test/cases/${kase.id}`]);
    }
  });

  it('POST /status/:token/messages, on an unassigned case, sends every active director the text', async () => {
    const kase = await makeCase(config);
    await deliverAll(worker);
    const agent = request.agent(app);
    const page = await agent.get(kase.statusPath).expect(200);
    const text = `Is anyone reading this? ${marker()}`;
    const mark = smtp.received.length;
    assert.equal(
      (
        await agent
          .post(`${kase.statusPath}/messages`)
          .type('form')
          .send(encodeForm({ _csrf: csrfTokenOf(page.text), body: text }))
      ).status,
      303,
    );
    const directors = await activeDirectorEmails();
    assert.equal(await deliverAll(worker), directors.length);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(linesFor(got, kase.reference), directors.map((d) => `${d} | Dana Whitfield wrote about ${kase.reference}`).sort());
    assert.ok(got.every((m) => m.text.includes(text)));
  });

  it("POST /cases/:id/engagements, a scheduled one, sends the requester a calendar file that starts at the engagement's time", async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    await deliverAll(worker);
    const date = daysFromToday(10);

    const mark = smtp.received.length;
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([lead], { date, start_time: '10:00', duration_minutes: '90' }));
    assert.equal(await deliverAll(worker), 1);
    const got = newFor(mark, kase.reference);
    assert.deepEqual(linesFor(got, kase.reference), [
      `dana.whitfield@example.org | Scheduled: Small-group facilitation on ${inWords(date)} (${kase.reference})`,
    ]);
    const m = got[0];
    assert.match(m.text, re(`${inWords(date)}, 10:00 AM ET`));
    assert.deepEqual(linksIn(m.text), [`http://leep.test${kase.statusPath}`]);
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].type, 'text/calendar');
    assert.match(m.attachments[0].filename ?? '', /\.ics$/);
    const event = onlyEvent(m.attachments[0].text);
    assert.equal(new Date(event.start).toISOString(), zonedToUtc(date, '10:00', ZONE).toISOString());
    assert.equal(
      new Date(event.end as Date).toISOString(),
      new Date(zonedToUtc(date, '10:00', ZONE).getTime() + 90 * 60_000).toISOString(),
    );
  });

  it('POST /engagements/:id, a new date or time, sends a "Moved" message with the new start; other edits send nothing', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    const first = daysFromToday(10);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([lead], { date: first }));
    await deliverAll(worker);

    const moved = daysFromToday(12);
    let mark = smtp.received.length;
    assert.equal((await postForm(agent, `/engagements/${id}`, engagementForm([lead], { date: moved, start_time: '14:30' }))).status, 303);
    // The requester and the engagement's consultant are both told.
    assert.equal(await deliverAll(worker), 2);
    let got = newFor(mark, kase.reference);
    assert.deepEqual(
      linesFor(got, kase.reference),
      [
        `dana.whitfield@example.org | Moved: Small-group facilitation on ${inWords(moved)} (${kase.reference})`,
        `${lead.email} | Moved: Small-group facilitation on ${inWords(moved)} (${kase.reference})`,
      ].sort(),
    );
    got = got.filter((m) => m.rcptTo.includes('dana.whitfield@example.org'));
    assert.match(got[0].text, /has moved/);
    assert.equal(new Date(onlyEvent(got[0].attachments[0].text).start).toISOString(), zonedToUtc(moved, '14:30', ZONE).toISOString());

    // Only the time changes: still a move.
    mark = smtp.received.length;
    assert.equal((await postForm(agent, `/engagements/${id}`, engagementForm([lead], { date: moved, start_time: '16:00' }))).status, 303);
    assert.equal(await deliverAll(worker), 2);
    got = newFor(mark, kase.reference).filter((m) => m.rcptTo.includes('dana.whitfield@example.org'));
    assert.deepEqual(linesFor(got, kase.reference), [
      `dana.whitfield@example.org | Moved: Small-group facilitation on ${inWords(moved)} (${kase.reference})`,
    ]);
    assert.equal(new Date(onlyEvent(got[0].attachments[0].text).start).toISOString(), zonedToUtc(moved, '16:00', ZONE).toISOString());

    const rows = (await outboxOf(ctx.db.knex, kase.id)).length;
    mark = smtp.received.length;
    const edited = await postForm(
      agent,
      `/engagements/${id}`,
      engagementForm([lead], { date: moved, start_time: '16:00', participant_count: '9', topics: ['equity-lens', 'board-governance'] }),
    );
    assert.equal(edited.status, 303);
    assert.equal(await deliverAll(worker), 0);
    assert.equal(smtp.received.length, mark);
    assert.equal((await outboxOf(ctx.db.knex, kase.id)).length, rows);
  });

  it('POST /cases/:id/status to completed sends the requester one message whose feedback link opens the survey', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    await deliverAll(worker);
    const mark = smtp.received.length;
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([lead], { status: 'delivered', date: daysFromToday(-1), summary: 'We walked through the plan' }),
    );
    assert.equal(
      (await postForm(agent, `/cases/${kase.id}/status`, { to: 'completed', closing_summary: 'The board adopted the framework.' })).status,
      303,
    );
    await deliverAll(worker);
    const got = newFor(mark, kase.reference);
    // A delivered engagement and the move to in progress write nothing: only the completion does.
    assert.deepEqual(linesFor(got, kase.reference), [
      `dana.whitfield@example.org | Your request ${kase.reference} is complete: how did it go?`,
    ]);
    const [link] = linksIn(got[0].text);
    assert.equal(link, `http://leep.test${kase.statusPath}#feedback`);
    assert.match(got[0].html, re(`<a href="${link}">`));
    const page = await request(app).get(pathOf(link));
    assert.equal(page.status, 200);
    assert.match(page.text, /<section aria-labelledby="feedback-heading" id="feedback">/);
    assert.match(page.text, re(`action="${kase.statusPath}/feedback"`));
  });

  it('POST /cases/:id/status to completed, again after a reopening, asks for feedback again only if none was given', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([lead], { status: 'delivered', date: daysFromToday(-1), summary: 'We walked through the plan' }),
    );
    const complete = { to: 'completed', closing_summary: 'The board adopted the framework.' };
    const reopen = { to: 'in_progress', reason: 'One more session was asked for.' };
    const asked = `dana.whitfield@example.org | Your request ${kase.reference} is complete: how did it go?`;

    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    await deliverAll(worker);
    assert.equal((await director.post(`/cases/${kase.id}/status`, reopen)).status, 303);
    let mark = smtp.received.length;
    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    await deliverAll(worker);
    assert.deepEqual(linesFor(newFor(mark, kase.reference), kase.reference), [asked], 'not asked again while no answer was given');

    const browser = request.agent(app);
    const page = await browser.get(kase.statusPath).expect(200);
    const answered = await browser
      .post(`${kase.statusPath}/feedback`)
      .type('form')
      .send(encodeForm({ _csrf: csrfTokenOf(page.text), quality: '4', relevance: '4', usefulness: '4' }));
    assert.equal(answered.status, 303);
    assert.equal((await director.post(`/cases/${kase.id}/status`, reopen)).status, 303);
    mark = smtp.received.length;
    assert.equal((await postForm(agent, `/cases/${kase.id}/status`, complete)).status, 303);
    assert.equal(await deliverAll(worker), 0);
    assert.deepEqual(newFor(mark, kase.reference), []);
  });

  it('two workers running at the same time, then again, deliver every message exactly once', async () => {
    const directors = await activeDirectorEmails();
    // More messages than one run sends (a batch of 20), so that the workers also meet mid-way.
    const emails = Array.from({ length: Math.floor(20 / (1 + directors.length)) + 1 }, () => `req.${marker()}@example.org`);
    for (const email of emails) assert.equal((await request(app).post('/api/v1/requests').send(requestPayload({ email }))).status, 201);
    const cases = await Promise.all(emails.map(caseByEmail));
    const expected = cases.length * (1 + directors.length);

    const second = mailWorker(smtp.url);
    try {
      const mark = smtp.received.length;
      const [a, b] = await Promise.all([worker.runOnce(), second.runOnce()]);
      const [c, d] = await Promise.all([deliverAll(worker), deliverAll(second)]);
      assert.equal(a + b + c + d, expected);
      assert.deepEqual(await Promise.all([worker.runOnce(), second.runOnce()]), [0, 0]);

      const got = smtp.received.slice(mark);
      const lines = got.flatMap((m) => m.rcptTo.map((to) => `${to} | ${m.subject}`));
      assert.equal(lines.length, expected);
      assert.equal(new Set(lines).size, lines.length, 'a message was received twice');
      for (const kase of cases) {
        const rows = await outboxOf(ctx.db.knex, kase.id);
        assert.equal(rows.length, 1 + directors.length);
        assert.deepEqual(
          rows.map((r) => [r.status, r.attempts]),
          rows.map(() => ['sent', 1]),
        );
        assert.equal(linesFor(got, kase.reference).length, 1 + directors.length);
      }
    } finally {
      await second.stop();
    }
  });
});
