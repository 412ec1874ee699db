import assert from 'node:assert/strict';
import { EditConflictError } from '../../server/errors';
import { cancelEngagement, updateEngagement } from '../../server/services/engagement.service';
import { editCase } from '../../server/services/case-edit.service';
import { etagOf, versionOfForm, versionOfIfMatch } from '../../server/services/edit-conflict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { StaffClient, inputValues, makeCase as makeCaseRow, shownValue, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { engagementForm, makeCase, staffAgent, addEngagement, postForm, today } from '../helpers/engagements';
import { requestForm, requestPayload } from '../helpers/factories';

const versionOn = (html: string) => inputValues(html, 'version')[0];

describeEachEngine('Edit conflicts on cases and engagements', (ctx) => {
  const { app, config } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director', name: 'Rosa Quintero' }));
  });

  it('GET /cases/:id/edit carries the version; POST /cases/:id at it saves (303) and the version goes up by one', async () => {
    const kase = await makeCaseRow(ctx.db.knex);
    const form = await director.get(`/cases/${kase.id}/edit`);
    const version = versionOn(form.text);
    assert.match(version, /^\d+$/);
    const res = await director.post(`/cases/${kase.id}`, requestForm({ title: 'Saved at the version it was opened at', version }));
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const row = await ctx.db.knex('cases').where({ id: kase.id }).first();
    assert.equal(Number(row.version), Number(version) + 1);
  });

  it('POST /cases/:id over a version saved meanwhile answers 409 with the form, the typed values, the version now stored and "Saved by … at …; review and save again", and changes nothing; saving again from it works', async () => {
    const kase = await makeCaseRow(ctx.db.knex);
    const page = await director.get(`/cases/${kase.id}/edit`);
    assert.equal(page.status, 200);
    const opened = versionOn(page.text);
    const other = await makeUser({ role: 'director', name: 'Ike Obi' });
    await editCase(kase.id, requestPayload({ title: 'Saved meanwhile by Ike', topics: ['equity-lens'] }), {
      id: other.id,
      role: 'director',
    });
    const res = await director.post(`/cases/${kase.id}`, requestForm({ title: 'Typed by Rosa', version: opened }));
    assert.equal(res.status, 409, res.text.slice(0, 300));
    assert.match(res.text, /Saved by Ike Obi at [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M \w+; review and save again\./);
    assert.match(res.text, /Changed since you opened the form: [^<]*title/);
    assert.equal(shownValue(res.text, 'title'), 'Typed by Rosa', 'the typed title is kept');
    const stored = await ctx.db.knex('cases').where({ id: kase.id }).first();
    assert.equal(stored.title, 'Saved meanwhile by Ike', 'the conflicting save changed nothing');
    assert.equal(versionOn(res.text), String(stored.version), 'the form now carries the stored version');
    const again = await director.post(`/cases/${kase.id}`, requestForm({ title: 'Typed by Rosa', version: versionOn(res.text) }));
    assert.equal(again.status, 303);
    assert.equal((await ctx.db.knex('cases').where({ id: kase.id }).first()).title, 'Typed by Rosa');
  });

  it('POST /engagements/:id over a version saved meanwhile answers 409 with the form and the typed summary, changes nothing, and writes no event', async () => {
    const consultant = await makeUser({ role: 'consultant', name: 'Lee Park' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: today() }));
    const opened = versionOn((await agent.get(`/engagements/${id}/edit`).expect(200)).text);
    assert.equal(opened, '1');
    await updateEngagement(
      id,
      { ...payloadOf(consultant.id), summary: 'Saved meanwhile' },
      { id: consultant.id, role: 'consultant' },
      { timeZone: config.timeZone },
    );
    const events = async () =>
      Number((await ctx.db.knex('case_events').where({ case_id: kase.id, kind: 'engagement.updated' }).count({ n: '*' }))[0].n);
    const before = await events();
    const res = await postForm(agent, `/engagements/${id}`, {
      ...engagementForm([consultant], { date: today(), summary: 'Typed in the old form' }),
      version: opened,
    });
    assert.equal(res.status, 409, res.text.slice(0, 300));
    assert.match(res.text, /Saved by Lee Park at [^;]+; review and save again\./);
    assert.match(res.text, /Changed since you opened the form: [^<]*summary/);
    assert.equal(shownValue(res.text, 'summary'), 'Typed in the old form');
    assert.equal(versionOn(res.text), '2');
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).summary, 'Saved meanwhile');
    assert.equal(await events(), before, 'no event for a refused save');
  });

  it('updateEngagement and cancelEngagement with a stale expectedVersion throw EditConflictError (409) with the stored version; with the current one they save', async () => {
    const consultant = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead: consultant });
    const agent = await staffAgent(app, consultant);
    const id = await addEngagement(ctx.db.knex, agent, kase.id, engagementForm([consultant], { date: today() }));
    const actor = { id: consultant.id, role: 'consultant' as const };
    await updateEngagement(id, { ...payloadOf(consultant.id), summary: 'v2' }, actor, { timeZone: config.timeZone }, 1);
    await assert.rejects(
      () => updateEngagement(id, { ...payloadOf(consultant.id), summary: 'stale' }, actor, { timeZone: config.timeZone }, 1),
      (err: unknown) => err instanceof EditConflictError && err.status === 409 && err.currentVersion === 2,
    );
    await assert.rejects(() => cancelEngagement(id, actor, config.timeZone, 1), EditConflictError);
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).status, 'scheduled');
    await cancelEngagement(id, actor, config.timeZone, 2);
    const row = await ctx.db.knex('engagements').where({ id }).first();
    assert.deepEqual([row.status, Number(row.version)], ['cancelled', 3]);
  });

  it('POST /engagements/:id, as a consultant not on the case, answers 404 whatever version it carries', async () => {
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead });
    const leadAgent = await staffAgent(app, lead);
    const id = await addEngagement(ctx.db.knex, leadAgent, kase.id, engagementForm([lead], { date: today() }));
    const stranger = await staffAgent(app, await makeUser({ role: 'consultant' }));
    const res = await postForm(stranger, `/engagements/${id}`, { ...engagementForm([lead], { date: today() }), version: '1' });
    assert.equal(res.status, 404);
  });
});

describe('Versions in forms and HTTP headers', () => {
  it('versionOfIfMatch reads "v7" and W/"v7", and nothing else; etagOf writes what it reads', () => {
    assert.equal(versionOfIfMatch('"v7"'), 7);
    assert.equal(versionOfIfMatch('W/"v12"'), 12);
    assert.equal(versionOfIfMatch(etagOf(3)), 3);
    for (const bad of [undefined, '', '*', '"7"', 'v7', '"v7", "v8"', '"v-1"']) assert.equal(versionOfIfMatch(bad), undefined, String(bad));
  });

  it('versionOfForm takes whole numbers only', () => {
    assert.equal(versionOfForm('4'), 4);
    for (const bad of [undefined, '', '4.5', '-1', 'x', ['4']]) assert.equal(versionOfForm(bad), undefined, String(bad));
  });
});

function payloadOf(consultantId: number) {
  return {
    status: 'scheduled',
    date: today(),
    start_time: '10:00',
    duration_minutes: 60,
    format: 'small_group',
    consultant_ids: [consultantId],
    jurisdictions: ['OH'],
    topics: ['equity-lens'],
    participant_count: 3,
  };
}
