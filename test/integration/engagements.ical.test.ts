import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { addEngagement, daysFromToday, engagementForm, makeCase, onlyEvent, postForm, staffAgent } from '../helpers/engagements';

const textOf = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as { val: unknown }).val) : String(v));

describeEachEngine('Engagement calendar files', (ctx) => {
  const { app, config } = testApp();

  async function consultantOnCase() {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    return { consultant, kase, agent };
  }

  function assertCalendarResponse(res: request.Response): void {
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(String(res.headers['content-type']), /^text\/calendar/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="leep-TA-\d{4}-\d{4}-\d{4}-\d{2}-\d{2}\.ics"$/);
  }

  it('GET /engagements/:id.ics, for 10:00 on 2030-03-01 for 90 minutes, answers an event from 15:00Z to 16:30Z', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: '2030-03-01', start_time: '10:00', duration_minutes: '90', format: 'small_group' }),
    );
    const res = await agent.get(`/engagements/${id}.ics`);
    assertCalendarResponse(res);
    const e = onlyEvent(res.text);
    assert.equal(new Date(e.start).toISOString(), '2030-03-01T15:00:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2030-03-01T16:30:00.000Z');
    assert.match(textOf(e.summary), /Small-group facilitation/);
    assert.ok(textOf(e.summary).includes(kase.reference), `the summary lacks ${kase.reference}`);
    assert.equal(e.uid, `engagement-${id}@leep.test`);
    assert.equal(textOf(e.url), `http://leep.test/cases/${kase.id}`);
  });

  it('GET /engagements/:id.ics, for 10:00 on a July date, starts at 14:00Z (daylight saving time)', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: '2030-07-16', start_time: '10:00', duration_minutes: '30', format: 'one_on_one' }),
    );
    const e = onlyEvent((await agent.get(`/engagements/${id}.ics`)).text);
    assert.equal(new Date(e.start).toISOString(), '2030-07-16T14:00:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2030-07-16T14:30:00.000Z');
    assert.match(textOf(e.summary), /One-on-one discussion/);
  });

  it('GET /engagements/:id.ics, for an engagement without a start time, answers an all-day event', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: '2030-05-20', start_time: '' }));
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).start_time, null);
    const res = await agent.get(`/engagements/${id}.ics`);
    assertCalendarResponse(res);
    assert.match(res.text, /\r\nDTSTART;VALUE=DATE:20300520\r\n/);
    assert.match(res.text, /\r\nDTEND;VALUE=DATE:20300521\r\n/);
    assert.equal(onlyEvent(res.text).datetype, 'date');
  });

  it('GET /engagements/:id.ics, for an engagement with summary notes and attendees, leaves them out of the file', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        attendees: 'Quillon Brassmoor, Board member, OH',
        summary: 'Zephyrine agenda notes',
        follow_up_actions: 'Vantablack followup',
      }),
    );
    const res = await agent.get(`/engagements/${id}.ics`);
    assertCalendarResponse(res);
    for (const secret of ['Quillon', 'Zephyrine', 'Vantablack']) assert.ok(!res.text.includes(secret), `${secret} is in the calendar file`);
  });

  it('GET /status/:token/engagements/:eid.ics, for a scheduled engagement of the request, answers the event to the requester', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        date: '2030-03-01',
        start_time: '10:00',
        duration_minutes: '90',
        attendees: 'Quillon Brassmoor, Board member, OH',
        summary: 'Zephyrine agenda notes',
      }),
    );
    const res = await request(app).get(`${kase.statusPath}/engagements/${id}.ics`);
    assertCalendarResponse(res);
    assert.equal(res.headers['cache-control'], 'no-store');
    const e = onlyEvent(res.text);
    assert.equal(new Date(e.start).toISOString(), '2030-03-01T15:00:00.000Z');
    assert.equal(new Date(e.end as Date).toISOString(), '2030-03-01T16:30:00.000Z');
    assert.ok(textOf(e.summary).includes(kase.reference));
    assert.ok(e.uid);
    // The requester's file does not point to the staff case page, nor carry internal text.
    assert.ok(!res.text.includes(`/cases/${kase.id}`), 'the staff case link is in the file');
    for (const secret of ['Quillon', 'Zephyrine']) assert.ok(!res.text.includes(secret), `${secret} is in the calendar file`);
  });

  it("GET /status/:token/engagements/:eid.ics, for another case's engagement, answers 404", async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const other = await makeCase(config, { lead: consultant });
    const otherId = await addEngagement(ctx.db.knex, agent, other.id, engagementForm([consultant]));
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    const res = await request(app).get(`${kase.statusPath}/engagements/${otherId}.ics`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(String(res.headers['content-type']), /calendar/);
    assert.equal((await request(app).get(`${other.statusPath}/engagements/${otherId}.ics`)).status, 200);
  });

  it('GET /status/:token/engagements/:eid.ics, for a cancelled engagement, answers 404', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/${id}.ics`)).status, 200);
    assert.equal((await postForm(agent, `/engagements/${id}/cancel`, { confirm: 'yes' })).status, 303);
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/${id}.ics`)).status, 404);
  });

  it('GET /status/:token/engagements/:eid.ics, for a delivered engagement, answers 404', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { status: 'delivered', date: daysFromToday(-1), summary: 'Held' }),
    );
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/${id}.ics`)).status, 404);
  });

  it('GET /status/:token/engagements/:eid.ics, with a bad token or an engagement that does not exist, answers 404', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    const token = kase.statusPath.split('/').pop() as string;
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    assert.equal((await request(app).get(`/status/${wrong}/engagements/${id}.ics`)).status, 404);
    assert.equal((await request(app).get(`/status/not-a-token/engagements/${id}.ics`)).status, 404);
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/${id + 100000}.ics`)).status, 404);
    assert.equal((await request(app).get(`${kase.statusPath}/engagements/abc.ics`)).status, 404);
  });
});
