import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { cancelEngagement } from '../../server/services/engagement.service';
import { daysFromToday, makeCase, postForm, staffAgent, storeEngagement, today } from '../helpers/engagements';

/** One section of the My work page, from its heading to the next section. */
function section(html: string, heading: 'overdue' | 'upcoming' | 'cases'): string {
  const m = new RegExp(`id="${heading}-heading"[\\s\\S]*?</section>`).exec(html);
  assert.ok(m, `no ${heading} section`);
  return m[0];
}

const icsLinks = (html: string) => [...html.matchAll(/\/engagements\/(\d+)\.ics/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const editLinks = (html: string) => [...html.matchAll(/\/engagements\/(\d+)\/edit/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const caseLinks = (html: string) =>
  [...new Set([...html.matchAll(/href="\/cases\/(\d+)"/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const asStaff = (u: TestUser) => ({ id: u.id, role: u.role });

describeEachEngine('My work', () => {
  const { app, config } = testApp();

  it('GET /my-work, as a consultant, lists scheduled engagements from today on, on their cases or facilitated by them, and nothing else', async () => {
    const me = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const director = await makeUser({ role: 'director' });
    const led = await makeCase(config, { lead: me, director });
    const supported = await makeCase(config, { lead: other, supporters: [me], director });
    const facilitatedOnly = await makeCase(config, { lead: other, director });
    const notMine = await makeCase(config, { lead: other, director });

    const todayOnLed = await storeEngagement(led.id, me, { date: today(), start_time: '09:15' });
    const aheadOnSupported = await storeEngagement(supported.id, other, { date: daysFromToday(5), consultant_ids: [other.id] });
    const facilitated = await storeEngagement(facilitatedOnly.id, director, { date: daysFromToday(8), consultant_ids: [me.id] });
    const others = await storeEngagement(notMine.id, other, { date: daysFromToday(2), consultant_ids: [other.id] });
    const cancelled = await storeEngagement(led.id, me, { date: daysFromToday(3) });
    await cancelEngagement(cancelled, asStaff(me));
    const delivered = await storeEngagement(led.id, me, { status: 'delivered', date: today(), summary: 'Held' });
    const past = await storeEngagement(led.id, me, { date: daysFromToday(-2) });

    const agent = await staffAgent(app, me);
    const res = await agent.get('/my-work');
    assert.equal(res.status, 200);
    const upcoming = section(res.text, 'upcoming');
    assert.deepEqual(icsLinks(upcoming), sorted([todayOnLed, aheadOnSupported, facilitated]));
    for (const id of [others, cancelled, delivered, past])
      assert.ok(!upcoming.includes(`/engagements/${id}.`), `engagement ${id} is listed as upcoming`);
    assert.ok(upcoming.includes(led.reference) && upcoming.includes(supported.reference) && upcoming.includes(facilitatedOnly.reference));
    assert.ok(!upcoming.includes(notMine.reference));
    // Soonest first.
    assert.ok(
      upcoming.indexOf(led.reference) < upcoming.indexOf(supported.reference) &&
        upcoming.indexOf(supported.reference) < upcoming.indexOf(facilitatedOnly.reference),
    );
    assert.match(upcoming, /, 9:15 AM ET</);
  });

  it('GET /my-work, with scheduled engagements whose date has passed, lists them as waiting to be recorded', async () => {
    const me = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: me });
    const elsewhere = await makeCase(config, { lead: other });
    const yesterday = await storeEngagement(kase.id, me, { date: daysFromToday(-1) });
    const lastMonth = await storeEngagement(kase.id, me, { date: daysFromToday(-35) });
    const notMine = await storeEngagement(elsewhere.id, other, { date: daysFromToday(-1), consultant_ids: [other.id] });
    const recorded = await storeEngagement(kase.id, me, { status: 'delivered', date: daysFromToday(-4), summary: 'Held' });
    const ahead = await storeEngagement(kase.id, me, { date: daysFromToday(1) });

    const res = await (await staffAgent(app, me)).get('/my-work');
    assert.equal(res.status, 200);
    const overdue = section(res.text, 'overdue');
    assert.deepEqual(editLinks(overdue), sorted([yesterday, lastMonth]));
    for (const id of [notMine, recorded, ahead])
      assert.ok(!overdue.includes(`/engagements/${id}/`), `engagement ${id} is waiting to be recorded`);
    assert.ok(!section(res.text, 'upcoming').includes(`/engagements/${yesterday}.`));
  });

  it('GET /my-work, for a consultant without engagements, says nothing is scheduled or waiting', async () => {
    const me = await makeUser({ role: 'consultant' });
    const res = await (await staffAgent(app, me)).get('/my-work');
    assert.equal(res.status, 200);
    assert.match(section(res.text, 'overdue'), /Nothing is waiting to be recorded/);
    assert.match(section(res.text, 'upcoming'), /No engagements are scheduled/);
    assert.match(section(res.text, 'cases'), /You have no open cases/);
  });

  it('GET /my-work, lists the open cases the consultant leads or supports, and not closed or other cases', async () => {
    const me = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const director = await makeUser({ role: 'director' });
    const led = await makeCase(config, { lead: me, director, title: 'Led by me: equity lens' });
    const supported = await makeCase(config, { lead: other, supporters: [me], director, title: 'Supported by me: data audit' });
    const notMine = await makeCase(config, { lead: other, director });
    const completed = await makeCase(config, { lead: me, director });
    // Completed by the director, who delivered the engagement (so that it adds nothing to my hours).
    await storeEngagement(completed.id, director, { status: 'delivered', date: today(), summary: 'Held', consultant_ids: [director.id] });
    const d = await staffAgent(app, director);
    assert.equal((await postForm(d, `/cases/${completed.id}/status`, { to: 'completed', closing_summary: 'Done' })).status, 303);

    const res = await (await staffAgent(app, me)).get('/my-work');
    const cases = section(res.text, 'cases');
    assert.deepEqual(caseLinks(cases), sorted([led.id, supported.id]));
    assert.ok(!cases.includes(notMine.reference) && !cases.includes(completed.reference));
    assert.match(cases, /Led by me: equity lens/);
    const supportedRow = cases.slice(cases.indexOf(supported.reference));
    assert.match(supportedRow.slice(0, supportedRow.indexOf('</th>')), /\(supporting\)/);
    const ledRow = cases.slice(cases.indexOf(led.reference));
    assert.doesNotMatch(ledRow.slice(0, ledRow.indexOf('</th>')), /\(supporting\)/);
    assert.match(cases, /Assigned/);
  });

  it('GET /my-work, shows the hours of delivered engagements the consultant facilitated this month and this year', async () => {
    const me = await makeUser({ role: 'consultant' });
    const other = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: me, supporters: [other] });
    const [year, month] = today().split('-').map(Number);
    // Counted: 90 + 30 minutes this month.
    await storeEngagement(kase.id, me, { status: 'delivered', date: today(), duration_minutes: 90, summary: 'Held' });
    await storeEngagement(kase.id, me, {
      status: 'delivered',
      date: `${year}-${String(month).padStart(2, '0')}-01`,
      duration_minutes: 30,
      summary: 'Held',
      consultant_ids: [me.id, other.id],
    });
    // Counted in the year only, when this year has an earlier month: 180 minutes.
    if (month > 1)
      await storeEngagement(kase.id, me, { status: 'delivered', date: `${year}-01-15`, duration_minutes: 180, summary: 'Held' });
    // Not counted: last year, someone else's, scheduled, cancelled.
    await storeEngagement(kase.id, me, { status: 'delivered', date: `${year - 1}-12-31`, duration_minutes: 60, summary: 'Held' });
    await storeEngagement(kase.id, other, {
      status: 'delivered',
      date: today(),
      duration_minutes: 45,
      summary: 'Held',
      consultant_ids: [other.id],
    });
    await storeEngagement(kase.id, me, { date: today(), duration_minutes: 120 });
    const dropped = await storeEngagement(kase.id, me, { status: 'delivered', date: today(), duration_minutes: 240, summary: 'Held' });
    await cancelEngagement(dropped, asStaff(me));

    const res = await (await staffAgent(app, me)).get('/my-work');
    assert.equal(res.status, 200);
    const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1));
    assert.ok(
      res.text.includes(`>2 <span class="font-body-sm">in ${monthName}</span>`),
      `month hours not 2:\n${res.text.slice(res.text.indexOf('Delivered hours'), res.text.indexOf('Delivered hours') + 400)}`,
    );
    assert.ok(res.text.includes(`>${month > 1 ? 5 : 2} hours in ${year}</p>`), 'year hours wrong');

    // The other consultant: 30 minutes shared this month, 45 of their own.
    const theirs = await (await staffAgent(app, other)).get('/my-work');
    assert.ok(
      theirs.text.includes(`>1.3 <span class="font-body-sm">in ${monthName}</span>`),
      'the other consultant’s month hours are not 1.3',
    );
  });

  it('POST /login, as a consultant, lands on /my-work', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get('/login')).text);
    const res = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: token, email: consultant.email, password: consultant.password }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/my-work');
    assert.equal((await agent.get('/my-work')).status, 200);
  });

  it('POST /login, as a director, lands on /cases', async () => {
    const director = await makeUser({ role: 'director' });
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get('/login')).text);
    const res = await agent
      .post('/login')
      .type('form')
      .send(encodeForm({ _csrf: token, email: director.email, password: director.password }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/cases');
  });
});
