// A scheduled engagement, and a change to its date or time, send the requester (and the consultant)
// a calendar file through a real SMTP server; other edits send nothing.
import assert from 'node:assert/strict';
import { zonedToUtc } from '../../server/services/time';
import { makeUser } from '../helpers/auth';
import { re } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { ZONE, addEngagement, daysFromToday, engagementForm, makeCase, onlyEvent, postForm, staffAgent } from '../helpers/engagements';
import { deliverAll, linesFor, outboxOf } from '../helpers/mail';
import { inWords, linksIn, mailDelivery } from '../helpers/mail-delivery';

describeEachEngine('Mail delivery through SMTP', (ctx) => {
  const { env, newFor } = mailDelivery(ctx);

  it("POST /cases/:id/engagements, a scheduled one, sends the requester a calendar file that starts at the engagement's time", async () => {
    const lead = await makeUser();
    const kase = await makeCase(env.config, { lead });
    const agent = await staffAgent(env.app, lead);
    await deliverAll(env.worker);
    const date = daysFromToday(10);

    const mark = env.smtp.received.length;
    await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([lead], { date, start_time: '10:00', duration_minutes: '90' }));
    assert.equal(await deliverAll(env.worker), 1);
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
    const kase = await makeCase(env.config, { lead });
    const agent = await staffAgent(env.app, lead);
    const first = daysFromToday(10);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([lead], { date: first }));
    await deliverAll(env.worker);

    const moved = daysFromToday(12);
    let mark = env.smtp.received.length;
    assert.equal((await postForm(agent, `/engagements/${id}`, engagementForm([lead], { date: moved, start_time: '14:30' }))).status, 303);
    // The requester and the engagement's consultant are both told.
    assert.equal(await deliverAll(env.worker), 2);
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
    mark = env.smtp.received.length;
    assert.equal((await postForm(agent, `/engagements/${id}`, engagementForm([lead], { date: moved, start_time: '16:00' }))).status, 303);
    assert.equal(await deliverAll(env.worker), 2);
    got = newFor(mark, kase.reference).filter((m) => m.rcptTo.includes('dana.whitfield@example.org'));
    assert.deepEqual(linesFor(got, kase.reference), [
      `dana.whitfield@example.org | Moved: Small-group facilitation on ${inWords(moved)} (${kase.reference})`,
    ]);
    assert.equal(new Date(onlyEvent(got[0].attachments[0].text).start).toISOString(), zonedToUtc(moved, '16:00', ZONE).toISOString());

    const rows = (await outboxOf(ctx.db.knex, kase.id)).length;
    mark = env.smtp.received.length;
    const edited = await postForm(
      agent,
      `/engagements/${id}`,
      engagementForm([lead], { date: moved, start_time: '16:00', participant_count: '9', topics: ['equity-lens', 'board-governance'] }),
    );
    assert.equal(edited.status, 303);
    assert.equal(await deliverAll(env.worker), 0);
    assert.equal(env.smtp.received.length, mark);
    assert.equal((await outboxOf(ctx.db.knex, kase.id)).length, rows);
  });
});
