import assert from 'node:assert/strict';
import request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { addEngagement, daysFromToday, engagementForm, makeCase, postForm, staffAgent } from '../helpers/engagements';

/** A YYYY-MM-DD date as the pages write it ("Mar 4, 2031"). */
function shown(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
}

/** The "Upcoming meetings" section of the status page. */
function upcomingSection(html: string): string {
  const m = /id="upcoming-heading"[\s\S]*?<\/section>/.exec(html);
  assert.ok(m, 'no upcoming section');
  return m[0];
}

describeEachEngine('Engagements on the requester status page', (ctx) => {
  const { app, config } = testApp();

  async function consultantOnCase() {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    return { consultant, kase, agent };
  }

  it('GET /status/:token, with a scheduled engagement ahead, lists its date, time, format and calendar link', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const date = daysFromToday(3);
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date, start_time: '14:30', duration_minutes: '90', format: 'online_training' }),
    );
    const res = await request(app).get(kase.statusPath);
    assert.equal(res.status, 200);
    const section = upcomingSection(res.text);
    assert.ok(section.includes(`${shown(date)}, 2:30 PM ET`), `the date and time are not shown:\n${section}`);
    assert.match(section, /Customized online training, 90 minutes/);
    assert.ok(section.includes(`href="${kase.statusPath}/engagements/${id}.ics"`), 'no calendar link');
  });

  it('GET /status/:token, with a scheduled engagement today and no start time, lists it by date only', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: daysFromToday(0), start_time: '', format: 'one_on_one' }),
    );
    const section = upcomingSection((await request(app).get(kase.statusPath)).text);
    assert.ok(section.includes(`<strong>${shown(daysFromToday(0))}</strong>: One-on-one discussion`), section);
    assert.ok(section.includes(`/engagements/${id}.ics`));
  });

  it('GET /status/:token, for engagements with summary, follow-up actions and attendees, never shows that internal text', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const internal = {
      summary: 'Zephyrine budget worries 4471',
      follow_up_actions: 'Plover follow-up 8812',
      attendees: 'Quillon Brassmoor, Board member, OH\nTamsin Okonkwo-Vale, Staff, KY',
    };
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: daysFromToday(4), participant_count: '5', ...internal }),
    );
    await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { status: 'delivered', date: daysFromToday(-2), participant_count: '5', ...internal }),
    );
    const res = await request(app).get(kase.statusPath);
    assert.equal(res.status, 200);
    for (const secret of ['Zephyrine', '4471', 'Plover', '8812', 'Quillon', 'Brassmoor', 'Tamsin', 'Okonkwo']) {
      assert.ok(!res.text.includes(secret), `the status page shows "${secret}"`);
    }
    // The staff case page, by contrast, shows the summary: the words are really stored.
    assert.match((await agent.get(`/cases/${kase.id}`)).text, /Zephyrine budget worries 4471/);
  });

  it('GET /status/:token, with past, delivered and cancelled engagements, lists none of them as upcoming', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const pastScheduled = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: daysFromToday(-3) }));
    const delivered = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { status: 'delivered', date: daysFromToday(-1), summary: 'Held' }),
    );
    const cancelled = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: daysFromToday(20) }));
    assert.equal((await postForm(agent, `/engagements/${cancelled}/cancel`, { confirm: 'yes' })).status, 303);
    const upcoming = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: daysFromToday(9) }));
    const section = upcomingSection((await request(app).get(kase.statusPath)).text);
    assert.deepEqual(
      [...section.matchAll(/\/engagements\/(\d+)\.ics/g)].map((m) => Number(m[1])),
      [upcoming],
    );
    for (const [id, date] of [
      [pastScheduled, daysFromToday(-3)],
      [delivered, daysFromToday(-1)],
      [cancelled, daysFromToday(20)],
    ] as const) {
      assert.ok(!section.includes(shown(date)), `engagement ${id} (${date}) is listed as upcoming`);
    }
  });

  it('GET /status/:token, with no engagement ahead, says that none is scheduled', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: daysFromToday(-10) }));
    assert.match(upcomingSection((await request(app).get(kase.statusPath)).text), /No meetings are scheduled yet/);
  });

  it("GET /status/:token, for one case, does not list another case's engagements", async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const other = await makeCase(config, { lead: consultant });
    const otherId = await addEngagement(ctx.db.knex, agent, other.id, engagementForm([consultant], { date: daysFromToday(6) }));
    const section = upcomingSection((await request(app).get(kase.statusPath)).text);
    assert.ok(!section.includes(`/engagements/${otherId}.ics`));
    assert.ok(upcomingSection((await request(app).get(other.statusPath)).text).includes(`/engagements/${otherId}.ics`));
  });
});
