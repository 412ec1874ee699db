import assert from 'node:assert/strict';
import type request from 'supertest';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import {
  Fields,
  addEngagement,
  assertNothingStored,
  checked,
  daysFromToday,
  engagementForm,
  errorNextTo,
  fieldValue,
  makeCase,
  postForm,
  staffAgent,
} from '../helpers/engagements';

const TEXT_FIELDS = [
  'date',
  'start_time',
  'duration_minutes',
  'participant_count',
  'attendees',
  'summary',
  'follow_up_actions',
  'follow_up_date',
];
const CHOICE_FIELDS = ['status', 'format', 'consultant_ids', 'jurisdictions', 'topics'];

/** The values a group of radios or checkboxes offers. */
function offered(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? [])
    .filter((t) => t.includes(` name="${name}"`))
    .map((t) => /\svalue="([^"]*)"/.exec(t)?.[1] ?? '');
}

/** A 422 with a message at `field` and every value as it was typed (checked boxes still checked). */
function assertRejectedKeepingValues(res: request.Response, field: string, form: Fields): void {
  assert.equal(res.status, 422, res.text.slice(0, 1500));
  assert.match(res.text, /<title>Error: /);
  assert.ok(errorNextTo(res.text, field), `no message next to ${field}`);
  for (const name of TEXT_FIELDS) {
    assert.equal(fieldValue(res.text, name) ?? '', String(form[name] ?? ''), `${name} was not kept`);
  }
  for (const name of CHOICE_FIELDS) {
    const typed = ([] as string[]).concat(form[name] ?? []);
    const shown = offered(res.text, name);
    assert.deepEqual(checked(res.text, name).sort(), typed.filter((v) => shown.includes(v)).sort(), `${name} was not kept checked`);
  }
}

describeEachEngine('Engagement rules', (ctx) => {
  const { app, config } = testApp();

  /** A consultant leading an assigned case of their own, signed in. */
  async function consultantOnCase() {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    return { consultant, kase, agent };
  }

  /** Posts a form that must be refused at `field`, and checks that it kept the values and stored nothing. */
  async function rejects(field: string, overrides: (c: { id: number }) => Fields): Promise<request.Response> {
    const { consultant, kase, agent } = await consultantOnCase();
    const form = engagementForm([consultant], {
      attendees: 'Ann Lee, Board member, OH\nBo Diaz, Staff, Kentucky',
      jurisdictions: ['OH', 'KY'],
      summary: 'Distinct summary text 7781',
      follow_up_actions: 'Send the equity lens worksheet',
      ...overrides(consultant),
    });
    const res = await assertNothingStored(ctx.db.knex, () => postForm(agent, `/cases/${kase.id}/engagements`, form));
    assertRejectedKeepingValues(res, field, form);
    return res;
  }

  it('POST /cases/:id/engagements, with a delivered date two days ahead, answers 422 and stores nothing', async () => {
    const res = await rejects('date', () => ({ status: 'delivered', date: daysFromToday(2) }));
    assert.match(errorNextTo(res.text, 'date') ?? '', /cannot be in the future/);
  });

  it('POST /cases/:id/engagements, with a delivered date one day ahead (the grace day), is saved', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { status: 'delivered', date: daysFromToday(1), summary: 'Met the board' }),
    );
    const row = await ctx.db.knex('engagements').where({ id }).first();
    assert.equal(row.status, 'delivered');
    assert.equal(row.date, daysFromToday(1));
  });

  it('POST /cases/:id/engagements, with a scheduled date far ahead, is saved (the future rule is for delivered ones)', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: daysFromToday(400) }));
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).date, daysFromToday(400));
  });

  it('POST /cases/:id/engagements, with a duration of 4 minutes, answers 422 and stores nothing', async () => {
    const res = await rejects('duration_minutes', () => ({ duration_minutes: '4' }));
    assert.match(errorNextTo(res.text, 'duration_minutes') ?? '', /between 5 and 600/);
  });

  it('POST /cases/:id/engagements, with a duration of 601 minutes, answers 422 and stores nothing', async () => {
    await rejects('duration_minutes', () => ({ duration_minutes: '601' }));
  });

  it('POST /cases/:id/engagements, with durations of 5 and 600 minutes, saves both', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const short = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { duration_minutes: '5' }));
    const long = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { duration_minutes: '600' }));
    const rows = await ctx.db.knex('engagements').whereIn('id', [short, long]).orderBy('id').select('duration_minutes');
    assert.deepEqual(
      rows.map((r) => Number(r.duration_minutes)),
      [5, 600],
    );
  });

  it('POST /cases/:id/engagements, with 0 participants, answers 422 and stores nothing', async () => {
    await rejects('participant_count', () => ({ participant_count: '0', attendees: '' }));
  });

  it('POST /cases/:id/engagements, with fewer participants than attendee lines, answers 422 and stores nothing', async () => {
    const res = await rejects('participant_count', () => ({
      participant_count: '2',
      attendees: 'Ann Lee, Board member, OH\nBo Diaz, KY\nCy Park',
    }));
    assert.match(errorNextTo(res.text, 'participant_count') ?? '', /at least the 3 attendees/);
  });

  it('POST /cases/:id/engagements, with as many participants as attendee lines, is saved with the attendees', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { participant_count: '2', attendees: 'Ann Lee, Board member, OH\n\nBo Diaz, KY\n' }),
    );
    const attendees = await ctx.db
      .knex('engagement_attendees')
      .where({ engagement_id: id })
      .orderBy('id')
      .select('name', 'role', 'jurisdiction_code');
    assert.deepEqual(attendees, [
      { name: 'Ann Lee', role: 'Board member', jurisdiction_code: 'OH' },
      { name: 'Bo Diaz', role: null, jurisdiction_code: 'KY' },
    ]);
  });

  it('POST /cases/:id/engagements, delivered without summary notes, answers 422 and stores nothing', async () => {
    const res = await rejects('summary', () => ({ status: 'delivered', date: daysFromToday(-1), summary: '   ' }));
    assert.match(errorNextTo(res.text, 'summary') ?? '', /summary notes/i);
  });

  it('POST /cases/:id/engagements, with no facilitating consultant, answers 422 and stores nothing', async () => {
    await rejects('consultant_ids', () => ({ consultant_ids: [] }));
  });

  it('POST /cases/:id/engagements, with a deactivated staff member as facilitator, answers 422 and stores nothing', async () => {
    const gone = await makeUser({ role: 'consultant' });
    await ctx.db.knex('users').where({ id: gone.id }).update({ active: false });
    await rejects('consultant_ids', (c) => ({ consultant_ids: [String(c.id), String(gone.id)] }));
  });

  it('POST /cases/:id/engagements, with a facilitator id that is nobody, answers 422 and stores nothing', async () => {
    await rejects('consultant_ids', (c) => ({ consultant_ids: [String(c.id), '987654'] }));
  });

  it('POST /cases/:id/engagements, with no participating jurisdiction, answers 422 and stores nothing', async () => {
    await rejects('jurisdictions', () => ({ jurisdictions: [] }));
  });

  it('POST /cases/:id/engagements, with an unknown jurisdiction code, answers 422 and stores nothing', async () => {
    await rejects('jurisdictions', () => ({ jurisdictions: ['OH', 'ZZ'] }));
  });

  it('POST /cases/:id/engagements, with an unreadable attendee line, answers 422 naming the line and stores nothing', async () => {
    const res = await rejects('attendees', () => ({ attendees: 'Bo Diaz, Staff, KY\nAnn, Board member, Atlantis' }));
    assert.match(errorNextTo(res.text, 'attendees') ?? '', /^Line 2: .*Atlantis/);
  });

  it('POST /cases/:id/engagements, with an unreadable attendee line and no jurisdiction, answers 422 with both messages', async () => {
    const res = await rejects('attendees', () => ({ attendees: 'Ann, Board member, Atlantis', jurisdictions: [] }));
    assert.ok(errorNextTo(res.text, 'jurisdictions'), 'the other wrong field has no message');
  });

  it('POST /cases/:id/engagements, with an unknown topic, answers 422 and stores nothing', async () => {
    await rejects('topics', () => ({ topics: ['equity-lens', 'astrology'] }));
  });

  it('POST /cases/:id/engagements, with a date that does not exist, answers 422 and stores nothing', async () => {
    await rejects('date', () => ({ date: '2030-02-30' }));
  });

  it('POST /cases/:id/engagements, with a date that is not a date, answers 422 and stores nothing', async () => {
    await rejects('date', () => ({ date: 'next Tuesday' }));
  });

  it('POST /cases/:id/engagements, with a follow-up date before the date, answers 422 and stores nothing', async () => {
    await rejects('follow_up_date', () => ({ date: daysFromToday(10), follow_up_date: daysFromToday(9) }));
  });

  it('POST /cases/:id/engagements, with the follow-up date on the engagement date, is saved', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: daysFromToday(10), follow_up_date: daysFromToday(10), follow_up_actions: 'Share the notes' }),
    );
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).follow_up_date, daysFromToday(10));
  });

  it('POST /cases/:id/engagements, with a start time of 25:00, answers 422 and stores nothing', async () => {
    await rejects('start_time', () => ({ start_time: '25:00' }));
  });

  it('POST /engagements/:id, with a delivered date two days ahead, answers 422, keeps the values and leaves the engagement as it was', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { attendees: 'Ann Lee, Board member, OH', jurisdictions: ['OH', 'KY'] }),
    );
    const form = engagementForm([consultant], {
      status: 'delivered',
      date: daysFromToday(2),
      summary: 'Edited summary 5521',
      attendees: 'Ann Lee, Board member, OH\nBo Diaz, KY',
      jurisdictions: ['OH', 'KY', 'IN'],
      topics: ['equity-lens', 'board-governance'],
    });
    const res = await assertNothingStored(ctx.db.knex, () => postForm(agent, `/engagements/${id}`, form));
    assertRejectedKeepingValues(res, 'date', form);
    assert.match(res.text, new RegExp(`action="/engagements/${id}"`));
  });

  it('POST /engagements/:id, with 0 participants, answers 422 and leaves the engagement as it was', async () => {
    const { consultant, kase, agent } = await consultantOnCase();
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant]));
    const form = engagementForm([consultant], { participant_count: '0', duration_minutes: '45' });
    const res = await assertNothingStored(ctx.db.knex, () => postForm(agent, `/engagements/${id}`, form));
    assertRejectedKeepingValues(res, 'participant_count', form);
  });
});
