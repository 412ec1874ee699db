import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { consultantOnCase } from '../helpers/engagement-case';
import { Fields, addEngagement, checked, daysFromToday, engagementForm, eventsOf, fieldValue, postForm } from '../helpers/engagements';

describeEachEngine('Engagement timeline and stored rows: the edit form posted back', (ctx) => {
  const { app, config } = testApp();

  it('GET /engagements/:id/edit, posted back unchanged, shows every value as stored and records no change', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const summary = 'First line of the notes\nSecond line, indented by nobody\nThird line';
    const attendees = 'Ann Lee, Board member, OH\nBo Diaz, Staff, KY\nCy Park';
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        status: 'delivered',
        date: daysFromToday(-3),
        summary,
        attendees,
        follow_up_actions: 'Call back\nSend notes',
        jurisdictions: ['OH', 'KY'],
      }),
    );
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.equal(fieldValue(edit.text, 'summary'), summary);
    assert.equal(fieldValue(edit.text, 'attendees'), attendees);
    assert.equal(fieldValue(edit.text, 'follow_up_actions'), 'Call back\nSend notes');
    assert.deepEqual(checked(edit.text, 'jurisdictions'), ['KY', 'OH']);
    assert.deepEqual(checked(edit.text, 'status'), ['delivered']);
    const back: Fields = {};
    for (const name of [
      'date',
      'start_time',
      'duration_minutes',
      'participant_count',
      'attendees',
      'summary',
      'follow_up_actions',
      'follow_up_date',
    ])
      back[name] = fieldValue(edit.text, name);
    for (const name of ['status', 'format', 'consultant_ids', 'jurisdictions', 'topics']) back[name] = checked(edit.text, name);
    const res = await postForm(agent, `/engagements/${id}`, back);
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.deepEqual(await eventsOf(ctx.db.knex, kase.id, 'engagement.updated'), []);
    assert.equal((await ctx.db.knex('engagements').where({ id }).first()).summary, summary);
  });

  it('GET /engagements/:id/edit, posted back unchanged after a facilitator was deactivated, keeps that facilitator on the engagement', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const leaver = await makeUser({ role: 'consultant', name: 'Leaving Consultant' });
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant, leaver], { status: 'delivered', date: daysFromToday(-3), summary: 'Held' }),
    );
    await ctx.db.knex('users').where({ id: leaver.id }).update({ active: false });
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.deepEqual(
      checked(edit.text, 'consultant_ids')
        .map(Number)
        .sort((a, b) => a - b),
      [consultant.id, leaver.id].sort((a, b) => a - b),
    );
    const back: Fields = {};
    for (const name of ['date', 'start_time', 'duration_minutes', 'participant_count', 'attendees', 'follow_up_actions', 'follow_up_date'])
      back[name] = fieldValue(edit.text, name);
    for (const name of ['status', 'format', 'consultant_ids', 'jurisdictions', 'topics']) back[name] = checked(edit.text, name);
    const res = await postForm(agent, `/engagements/${id}`, { ...back, summary: 'Held, with a corrected note' });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const kept = await ctx.db.knex('engagement_consultants').where({ engagement_id: id }).select('user_id');
    assert.deepEqual(
      kept.map((r) => Number(r.user_id)).sort((a, b) => a - b),
      [consultant.id, leaver.id].sort((a, b) => a - b),
    );
    const [updated] = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.deepEqual(Object.keys(updated.after ?? {}).sort(), ['engagement_id', 'summary']);
  });

  it('GET /engagements/:id/edit, with markup in the attendees and summary, shows it as text, not as markup', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { attendees: '<script>alert(1)</script>, OH', summary: '<img src=x onerror=alert(2)>' }),
    );
    const edit = await agent.get(`/engagements/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.ok(!edit.text.includes('<script>alert(1)') && !edit.text.includes('<img src=x'), 'markup is written unescaped');
    assert.equal(fieldValue(edit.text, 'attendees'), '<script>alert(1)</script>, OH');
    assert.equal(fieldValue(edit.text, 'summary'), '<img src=x onerror=alert(2)>');
  });
});
