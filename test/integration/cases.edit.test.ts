import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { requestForm } from '../helpers/factories';
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

const topicSlugs = async (knex: import('knex').Knex, caseId: number) =>
  (
    await knex('topics')
      .join('case_topics', 'case_topics.topic_id', 'topics.id')
      .where('case_topics.case_id', caseId)
      .orderBy('topics.slug')
      .select('topics.slug')
  ).map((r) => r.slug as string);

describeEachEngine('Editing a case: GET and POST /cases/:id/edit', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  it('GET /cases/:id/edit, as a director, shows the form filled with the stored request', async () => {
    const kase = await makeCase(ctx.db.knex, { payload: { title: 'Equity lens & plan', deadline: '2027-06-30' } });
    const res = await director.get(`/cases/${kase.id}/edit`);
    assert.equal(res.status, 200);
    assert.equal(shownValue(res.text, 'title'), 'Equity lens & plan');
    assert.equal(shownValue(res.text, 'deadline'), '2027-06-30');
    assert.equal(shownValue(res.text, 'name'), 'Dana Whitfield');
    assert.match(res.text, /value="equity-lens" checked/);
    assert.match(res.text, /value="board-governance" checked/);
  });

  it('POST /cases/:id, as a director changing the title, deadline and topics, stores them and records one event with only those fields', async () => {
    const kase = await makeCase(ctx.db.knex);
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(
      `/cases/${kase.id}`,
      requestForm({ title: 'A sharper title', deadline: '2027-09-30', topics: ['equity-lens', 'early-learning'] }),
    );
    assert.equal(res.status, 303, res.text.slice(0, 500));
    assert.equal(res.headers.location, `/cases/${kase.id}?saved=1`);
    const row = await caseRow(ctx.db.knex, kase.id);
    assert.equal(row.title, 'A sharper title');
    assert.equal(row.deadline, '2027-09-30');
    assert.deepEqual(await topicSlugs(ctx.db.knex, kase.id), ['early-learning', 'equity-lens']);
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.equal(events.length, 1);
    assert.equal(events[0].kind, 'case.updated');
    assert.equal(events[0].actor_user_id, director.user.id);
    assert.deepEqual(events[0].before, {
      title: 'Equity lens for our strategic plan',
      deadline: '2027-06-30',
      topics: ['board-governance', 'equity-lens'],
    });
    assert.deepEqual(events[0].after, { title: 'A sharper title', deadline: '2027-09-30', topics: ['early-learning', 'equity-lens'] });
    const page = await director.get(`/cases/${kase.id}`);
    assert.match(page.text, /Edited the request/);
    assert.match(page.text, /Title: Equity lens for our strategic plan → A sharper title/);
  });

  it('POST /cases/:id, clearing optional fields, stores them empty and records them as emptied', async () => {
    const kase = await makeCase(ctx.db.knex);
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}`, requestForm({ phone: '', outcomes: '', expected_participants: '' }));
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const row = await caseRow(ctx.db.knex, kase.id);
    assert.deepEqual([row.requester_phone, row.outcomes, row.expected_participants], [null, null, null]);
    const [event] = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(Object.keys(event.after ?? {}).sort(), ['expected_participants', 'outcomes', 'phone']);
    assert.deepEqual(event.after, { phone: null, outcomes: null, expected_participants: null });
  });

  it('POST /cases/:id, with nothing changed, stores no event', async () => {
    const kase = await makeCase(ctx.db.knex);
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    const res = await director.post(`/cases/${kase.id}`, requestForm());
    assert.equal(res.status, 303, res.text.slice(0, 500));
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
  });

  for (const [label, fields, field, message] of [
    [
      'a deadline before the preferred start',
      { preferred_start: '2027-05-01', deadline: '2027-04-01' },
      'deadline',
      'Deadline must be on or after the preferred start date',
    ],
    ['a topic that does not exist', { topics: ['equity-lens', 'astrology'] }, 'topics', 'Choose topics from the list'],
    ['a title of 121 characters', { title: 'T'.repeat(121) }, 'title', 'A short title for your request must be 120 characters or fewer'],
    ['no title', { title: '' }, 'title', 'Enter a short title for your request'],
    [
      'an e-mail address without an @',
      { email: 'dana.example.org' },
      'email',
      'Enter an e-mail address in the correct format, like name@example.org',
    ],
  ] as [string, Record<string, unknown>, string, string][]) {
    it(`POST /cases/:id, with ${label}, answers 422 with the message at the field, keeps the values and changes nothing`, async () => {
      const kase = await makeCase(ctx.db.knex);
      const before = await caseRow(ctx.db.knex, kase.id);
      const topics = await topicSlugs(ctx.db.knex, kase.id);
      const events = await countFor(ctx.db.knex, 'case_events', kase.id);
      const form = requestForm({ name: 'Dana W. Edited', ...fields });
      const res = await director.post(`/cases/${kase.id}`, form);
      assert.equal(res.status, 422);
      assert.equal(errorAt(res.text, field), message);
      assert.equal(shownValue(res.text, 'name'), 'Dana W. Edited', 'the other values are kept');
      if (typeof form.title === 'string' && form.title) assert.equal(shownValue(res.text, 'title'), form.title);
      assert.match(res.text, /<a href="#field-[a-z_]+">/);
      assert.deepEqual(await caseRow(ctx.db.knex, kase.id), before);
      assert.deepEqual(await topicSlugs(ctx.db.knex, kase.id), topics);
      assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
    });
  }

  it('POST /cases/:id, for a case that does not exist, answers 404', async () => {
    const res = await director.post('/cases/987654', requestForm());
    assert.equal(res.status, 404);
  });
});

describeEachEngine('Opening a case: GET /cases/new and POST /cases', (ctx) => {
  const { app } = testApp();

  it('GET /cases/new, as a director, shows the request form with a submission key', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const res = await director.get('/cases/new');
    assert.equal(res.status, 200);
    assert.match(res.text, /<form[^>]*action="\/cases"/);
    assert.match(res.text, /name="idempotency_key" value="[A-Za-z0-9_-]{20,}"/);
  });

  it('POST /cases, by a director, opens a case from staff with a TA-YYYY-NNNN reference and a created event naming them', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const title = `Network kickoff ${marker()}`;
    const res = await director.post('/cases', requestForm({ title, track: 'network', jurisdiction: 'KY' }));
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const m = /^\/cases\/(\d+)$/.exec(res.headers.location);
    assert.ok(m, res.headers.location);
    const row = await caseRow(ctx.db.knex, Number(m[1]));
    assert.equal(row.source, 'staff');
    assert.equal(row.status, 'new');
    assert.equal(row.title, title);
    assert.equal(row.track, 'network');
    assert.match(row.reference, /^TA-\d{4}-\d{4}$/);
    const events = await eventsOf(ctx.db.knex, row.id);
    assert.equal(events.length, 1);
    assert.deepEqual([events[0].kind, events[0].actor_kind, events[0].actor_user_id], ['case.created', 'staff', director.user.id]);
    assert.equal(events[0].after?.source, 'staff');
    const page = await director.get(res.headers.location);
    assert.equal(page.status, 200);
    assert.match(page.text, re(`${director.user.name}</strong> Opened the case`));
    assert.match(page.text, /via Staff/);
  });

  it('POST /cases, twice with the same form (a double click), opens one case', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const form = requestForm({ title: `Once ${marker()}` });
    const first = await director.post('/cases', form);
    const second = await director.post('/cases', form);
    assert.equal(first.status, 303);
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    const [{ n }] = await ctx.db.knex('cases').where({ title: form.title }).count({ n: '*' });
    assert.equal(Number(n), 1);
  });

  it('POST /cases, with a missing title and an unknown state, answers 422 with the messages at the fields, keeps the values and opens nothing', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const [{ n: before }] = await ctx.db.knex('cases').count({ n: '*' });
    const res = await director.post('/cases', requestForm({ title: '', jurisdiction: 'XX', name: 'Kept Name', needs: 'Kept needs text' }));
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'title'), 'Enter a short title for your request');
    assert.equal(errorAt(res.text, 'jurisdiction'), 'Choose your state or jurisdiction from the list');
    assert.equal(shownValue(res.text, 'name'), 'Kept Name');
    assert.equal(shownValue(res.text, 'needs'), 'Kept needs text');
    const [{ n: after }] = await ctx.db.knex('cases').count({ n: '*' });
    assert.equal(Number(after), Number(before));
  });
});

describeEachEngine('POST /cases/:id/priority', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  it('POST /cases/:id/priority, set to high by a director, stores it and records the change', async () => {
    const kase = await makeCase(ctx.db.knex);
    const since = await lastEventId(ctx.db.knex, kase.id);
    const res = await director.post(`/cases/${kase.id}/priority`, { priority: 'high' });
    assert.equal(res.status, 303, res.text);
    assert.equal((await caseRow(ctx.db.knex, kase.id)).priority, 'high');
    const events = await eventsOf(ctx.db.knex, kase.id, since);
    assert.deepEqual(
      events.map((e) => [e.kind, e.before, e.after, e.actor_user_id]),
      [['case.priority_changed', { priority: 'normal' }, { priority: 'high' }, director.user.id]],
    );
    const page = await director.get(`/cases/${kase.id}`);
    assert.match(page.text, /High priority/);
    assert.match(page.text, /Priority: Normal → High/);
    assert.match(page.text, /<option value="high" selected>/);
  });

  it('POST /cases/:id/priority, set to what it already is, records nothing', async () => {
    const kase = await makeCase(ctx.db.knex, { priority: 'high' });
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    assert.equal((await director.post(`/cases/${kase.id}/priority`, { priority: 'high' })).status, 303);
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
  });

  it('POST /cases/:id/priority, with a value not in the list, answers 422 with the message at the field and changes nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    const events = await countFor(ctx.db.knex, 'case_events', kase.id);
    const res = await director.post(`/cases/${kase.id}/priority`, { priority: 'urgent' });
    assert.equal(res.status, 422);
    assert.equal(errorAt(res.text, 'priority'), 'Choose a priority from the list');
    assert.equal((await caseRow(ctx.db.knex, kase.id)).priority, 'normal');
    assert.equal(await countFor(ctx.db.knex, 'case_events', kase.id), events);
  });

  it('GET /cases, listing a high-priority case, tags it High', async () => {
    const tag = marker();
    const kase = await makeCase(ctx.db.knex, { payload: { title: `Urgent ${tag}` } });
    await director.post(`/cases/${kase.id}/priority`, { priority: 'high' });
    const res = await director.get(`/cases?q=${tag}`);
    assert.match(res.text, new RegExp(`${kase.reference}</a> <span class="usa-tag bg-secondary-dark">High</span>`));
  });
});
