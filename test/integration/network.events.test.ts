import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { checkedValues, messageNextTo, shownValue, summaryLinks } from '../helpers/html';
import { Fields, client, daysFromToday, unique } from '../helpers/programs';
import { attendEvent, makeEvent, makeTeam } from '../helpers/programs-network';
import { listedJurisdictions, programState } from '../helpers/programs-state';

const eventForm = (overrides: Fields = {}): Fields => ({
  title: unique('Peer discussion'),
  kind: 'peer_discussion',
  date: daysFromToday(-2),
  start_time: '15:00',
  duration_minutes: '75',
  ...overrides,
});

describeEachEngine('State Policy Network: events and attendance', (ctx) => {
  const { app } = testApp();
  // The teams of this file, one a state, registered once: no test changes them.
  const teams: Record<string, number> = {};

  before(async () => {
    teams.GA = await makeTeam('GA', 3);
    teams.LA = await makeTeam('LA', 2);
    teams.MS = await makeTeam('MS', 1);
  });

  it("POST /network/events, for a year with no event yet, opens that year's network-track case assigned to the director, adds a scheduled engagement, and the next event of the year goes on the same case", async () => {
    const director = await makeUser({ role: 'director' });
    const d = await client(app, director);
    // A year of its own, so that no other test has opened its case.
    const form = eventForm({ date: '2019-06-12' });
    const res = await d.post('/network/events', form);
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const event = await ctx.db.knex('network_events').where({ title: form.title }).first();
    assert.equal(res.headers.location, `/network/events/${event.id}?saved=1`);
    const engagement = await ctx.db.knex('engagements').where({ id: event.engagement_id }).first();
    assert.deepEqual(
      [
        engagement.date,
        engagement.start_time,
        Number(engagement.duration_minutes),
        engagement.status,
        Number(engagement.participant_count),
        event.kind,
      ],
      ['2019-06-12', '15:00', 75, 'scheduled', 0, 'peer_discussion'],
    );
    const kase = await ctx.db.knex('cases').where({ id: engagement.case_id }).first();
    assert.deepEqual(
      [kase.track, kase.status, kase.title, kase.jurisdiction_code, Number(kase.lead_consultant_id)],
      ['network', 'assigned', 'State Policy Network events 2019', 'DC', director.id],
    );
    const second = await d.post('/network/events', eventForm({ date: '2019-11-02' }));
    assert.equal(second.status, 303);
    const [{ n }] = await ctx.db.knex('cases').where({ title: 'State Policy Network events 2019' }).count({ n: '*' });
    assert.equal(Number(n), 1, 'one case a year');
    const engagements = await ctx.db.knex('engagements').where({ case_id: kase.id }).count({ n: '*' });
    assert.equal(Number(engagements[0].n), 2);
  });

  it('POST /network/events, sent twice with the same submission key, records one event and answers both with its page', async () => {
    const d = await client(app, await makeUser({ role: 'director' }));
    const form = eventForm({ idempotency_key: 'event-form-key-0001' });
    const first = await d.post('/network/events', form);
    const second = await d.post('/network/events', form);
    assert.equal(first.status, 303);
    assert.deepEqual([second.status, second.headers.location], [303, first.headers.location]);
    const [{ n }] = await ctx.db.knex('network_events').where({ title: form.title }).count({ n: '*' });
    assert.equal(Number(n), 1);
  });

  const invalid: { name: string; fields: Fields; field: string; message: RegExp }[] = [
    { name: 'no title', fields: { title: '' }, field: 'title', message: /Enter title of the event/ },
    { name: 'an unknown kind', fields: { kind: 'webinar' }, field: 'kind', message: /Choose kind of event from the list/ },
    { name: 'a date that is not a date', fields: { date: '2027-02-31' }, field: 'date', message: /Date must be a real date/ },
    { name: 'a length of 0 minutes', fields: { duration_minutes: '0' }, field: 'duration_minutes', message: /between 5 and 600/ },
    { name: 'a start time of 24:30', fields: { start_time: '24:30' }, field: 'start_time', message: /Enter start time/ },
  ];
  for (const c of invalid) {
    it(`POST /network/events, with ${c.name}, answers 422 with the message at ${c.field}, keeps the values and stores nothing`, async () => {
      const d = await client(app, await makeUser({ role: 'director' }));
      const form = eventForm(c.fields);
      const before = await programState(ctx.db.knex);
      const res = await d.post('/network/events', form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, c.field) ?? '', c.message);
      assert.deepEqual(summaryLinks(res.text), [c.field]);
      for (const name of ['title', 'date', 'start_time', 'duration_minutes']) assert.equal(shownValue(res.text, name), form[name], name);
      assert.deepEqual(checkedValues(res.text, 'kind'), form.kind === 'webinar' ? [] : [form.kind]);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it("POST /network/events/:id/attendance, with two teams, makes the event's engagement delivered, listing their states, counting their members and keeping them as attendees", async () => {
    const director = await makeUser({ role: 'director' });
    const eventId = await makeEvent(director, daysFromToday(-3));
    const d = await client(app, director);
    const res = await d.post(`/network/events/${eventId}/attendance`, {
      team_ids: [String(teams.GA), String(teams.MS)],
      summary: 'Two teams compared their discipline data.',
    });
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    const event = await ctx.db.knex('network_events').where({ id: eventId }).first();
    const e = await ctx.db.knex('engagements').where({ id: event.engagement_id }).first();
    assert.deepEqual([e.status, Number(e.participant_count)], ['delivered', 4]);
    assert.deepEqual(
      await listedJurisdictions(ctx.db.knex, e.id),
      ['GA', 'MS'].map((code) => ({ code, status: 'delivered', date: daysFromToday(-3), year: Number(daysFromToday(-3).slice(0, 4)) })),
    );
    const attendees = await ctx.db
      .knex('engagement_attendees')
      .where({ engagement_id: e.id })
      .orderBy('name')
      .select('name', 'jurisdiction_code');
    assert.deepEqual(
      attendees.map((a: { name: string; jurisdiction_code: string }) => `${a.name}/${a.jurisdiction_code}`),
      ['Member 1 of GA/GA', 'Member 1 of MS/MS', 'Member 2 of GA/GA', 'Member 3 of GA/GA'],
    );
    const kinds = (await ctx.db.knex('case_events').where({ case_id: e.case_id }).orderBy('id').select('kind')).map(
      (x: { kind: string }) => x.kind,
    );
    assert.ok(kinds.includes('engagement.updated'), 'the timeline keeps the change');
    const team = await d.get(`/network/teams/${teams.MS}`);
    assert.ok(team.text.includes(`href="/network/events/${eventId}"`), "the event is on the team's page");
  });

  it('POST /network/events/:id/attendance, taken again with one team, replaces the listed states and the count', async () => {
    const director = await makeUser({ role: 'director' });
    const eventId = await makeEvent(director, daysFromToday(-4));
    await attendEvent(director, eventId, [teams.GA, teams.LA]);
    const d = await client(app, director);
    assert.equal(
      (await d.post(`/network/events/${eventId}/attendance`, { team_ids: [String(teams.LA)], summary: 'Only Louisiana came.' })).status,
      303,
    );
    const event = await ctx.db.knex('network_events').where({ id: eventId }).first();
    const e = await ctx.db.knex('engagements').where({ id: event.engagement_id }).first();
    assert.equal(Number(e.participant_count), 2);
    assert.deepEqual(
      (await listedJurisdictions(ctx.db.knex, e.id)).map((j) => j.code),
      ['LA'],
    );
    assert.deepEqual(checkedValues((await d.get(`/network/events/${eventId}`)).text, 'team_ids'), [String(teams.LA)]);
  });

  for (const [name, fields, field, message] of [
    ['no team', { summary: 'Notes' }, 'team_ids', /Choose at least one attending team/],
    ['a team that does not exist', { team_ids: ['987654'], summary: 'Notes' }, 'team_ids', /Choose teams from the list/],
    ['no summary notes', { team_ids: ['GA'], summary: '' }, 'summary', /Enter summary notes/],
  ] as const) {
    it(`POST /network/events/:id/attendance, with ${name}, answers 422 with the message at ${field}, keeps the values and changes nothing`, async () => {
      const director = await makeUser({ role: 'director' });
      const eventId = await makeEvent(director, daysFromToday(-1));
      const d = await client(app, director);
      const form: Fields = {
        ...fields,
        team_ids: 'team_ids' in fields ? fields.team_ids.map((t) => (t in teams ? String(teams[t]) : t)) : undefined,
      };
      const before = await programState(ctx.db.knex);
      const res = await d.post(`/network/events/${eventId}/attendance`, form);
      assert.equal(res.status, 422);
      assert.match(messageNextTo(res.text, field) ?? '', message);
      assert.deepEqual(
        checkedValues(res.text, 'team_ids'),
        ((form.team_ids as string[] | undefined) ?? []).filter((t) => Object.values(teams).map(String).includes(t)),
      );
      assert.equal(shownValue(res.text, 'summary'), form.summary);
      assert.equal(await programState(ctx.db.knex), before);
    });
  }

  it('POST /network/events/:id/attendance, for an event more than a day ahead, answers 409, changes nothing, and the page says so without a form', async () => {
    const director = await makeUser({ role: 'director' });
    const eventId = await makeEvent(director, daysFromToday(9));
    const d = await client(app, director);
    const before = await programState(ctx.db.knex);
    assert.equal(
      (await d.post(`/network/events/${eventId}/attendance`, { team_ids: [String(teams.GA)], summary: 'Too early' })).status,
      409,
    );
    assert.equal(await programState(ctx.db.knex), before);
    const page = await d.get(`/network/events/${eventId}`);
    assert.match(page.text, /Attendance can be taken from the day of the event/);
    assert.ok(!page.text.includes(`action="/network/events/${eventId}/attendance"`));
  });

  it('POST /network/events/:id, within its year, moves the engagement and the copies of its date; to another year, answers 422 at the date and changes nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const date = daysFromToday(-6);
    const eventId = await makeEvent(director, date);
    await attendEvent(director, eventId, [teams.LA]);
    const d = await client(app, director);
    const year = Number(date.slice(0, 4));
    const before = await programState(ctx.db.knex);
    const otherYear = await d.post(`/network/events/${eventId}`, eventForm({ date: `${year - 1}-12-30` }));
    assert.equal(otherYear.status, 422);
    assert.match(messageNextTo(otherYear.text, 'date') ?? '', new RegExp(`Choose a date in ${year}`));
    assert.equal(await programState(ctx.db.knex), before);
    const newDate = `${year}-01-02` === date ? `${year}-01-03` : `${year}-01-02`;
    const moved = await d.post(`/network/events/${eventId}`, eventForm({ title: 'Renamed talk', kind: 'expert_talk', date: newDate }));
    assert.equal(moved.status, 303);
    const event = await ctx.db.knex('network_events').where({ id: eventId }).first();
    assert.deepEqual([event.title, event.kind], ['Renamed talk', 'expert_talk']);
    assert.deepEqual(await listedJurisdictions(ctx.db.knex, event.engagement_id), [
      { code: 'LA', status: 'delivered', date: newDate, year },
    ]);
  });

  it('GET and POST on network events, for a consultant, answer 403 and change nothing; an unknown event answers 404', async () => {
    const director = await makeUser({ role: 'director' });
    const eventId = await makeEvent(director, daysFromToday(-1));
    const c = await client(app, await makeUser({ role: 'consultant' }));
    const before = await programState(ctx.db.knex);
    for (const path of [`/network/events/${eventId}`, `/network/events/${eventId}/edit`, '/network/events/new'])
      assert.equal((await c.get(path)).status, 403, path);
    assert.equal((await c.post(`/network/events/${eventId}/attendance`, { team_ids: [String(teams.GA)], summary: 'x' })).status, 403);
    assert.equal((await c.post('/network/events', eventForm())).status, 403);
    assert.equal(await programState(ctx.db.knex), before);
    const d = await client(app, director);
    assert.equal((await d.get('/network/events/987654')).status, 404);
  });
});
