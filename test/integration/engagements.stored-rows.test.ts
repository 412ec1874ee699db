import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { consultantOnCase } from '../helpers/engagement-case';
import { addEngagement, daysFromToday, engagementForm, eventsOf, jurisdictionRows, postForm } from '../helpers/engagements';

describeEachEngine('Engagement timeline and stored rows: the stored rows', (ctx) => {
  const { app, config } = testApp();

  it('POST /cases/:id/engagements, stores the year and month of the date on the engagement and its jurisdiction rows', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], { date: '2031-11-04', jurisdictions: ['OH', 'MI'] }),
    );
    const row = await ctx.db.knex('engagements').where({ id }).first();
    assert.deepEqual([Number(row.year), Number(row.month)], [2031, 11]);
    assert.deepEqual(await jurisdictionRows(ctx.db.knex, id), [
      { jurisdiction_code: 'MI', status: 'scheduled', date: '2031-11-04', year: 2031 },
      { jurisdiction_code: 'OH', status: 'scheduled', date: '2031-11-04', year: 2031 },
    ]);
  });

  it('POST /engagements/:id, changing the date and the status, moves the stored buckets and the jurisdiction rows with them', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const form = engagementForm([consultant], { date: '2031-11-04', jurisdictions: ['OH', 'MI'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    const past = daysFromToday(-40);
    const res = await postForm(agent, `/engagements/${id}`, {
      ...form,
      date: past,
      status: 'delivered',
      summary: 'Done',
      jurisdictions: ['OH', 'MI', 'IN'],
    });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const row = await ctx.db.knex('engagements').where({ id }).first();
    const [y, m] = past.split('-').map(Number);
    assert.deepEqual([row.date, Number(row.year), Number(row.month), row.status], [past, y, m, 'delivered']);
    assert.deepEqual(
      await jurisdictionRows(ctx.db.knex, id),
      ['IN', 'MI', 'OH'].map((code) => ({ jurisdiction_code: code, status: 'delivered', date: past, year: y })),
    );
    const [updated] = await eventsOf(ctx.db.knex, kase.id, 'engagement.updated');
    assert.deepEqual(Object.keys(updated.after ?? {}).sort(), ['date', 'engagement_id', 'jurisdictions', 'status', 'summary']);
    assert.deepEqual(updated.before, {
      engagement_id: id,
      date: '2031-11-04',
      status: 'scheduled',
      summary: null,
      jurisdictions: ['MI', 'OH'],
    });
  });

  it('POST /engagements/:id, with status cancelled in the form, marks the jurisdiction rows cancelled', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const form = engagementForm([consultant], { jurisdictions: ['OH', 'KY'] });
    const id = await addEngagement(ctx.db.knex, agent, kase.id, form);
    assert.equal((await postForm(agent, `/engagements/${id}`, { ...form, status: 'cancelled' })).status, 303);
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => r.status),
      ['cancelled', 'cancelled'],
    );
  });

  it('POST /cases/:id/engagements, for a program case with 6 states and 10 pasted attendees, stores them all', async () => {
    const { consultant, kase, agent } = await consultantOnCase(app, config);
    const states = ['OH', 'KY', 'IN', 'MI', 'PA', 'WV'];
    const lines = [
      'Ann Lee, Board member, Ohio',
      'Bo Diaz\tStaff\tKY',
      'Cy Park, Chair, Board of Education, Indiana',
      'Dee Ray, MI',
      'Ed Stone, Policy director, Pennsylvania',
      'Fay Wong, Board member, West Virginia',
      'Gus Holm, Board member, oh',
      'Hal Ito',
      'Ida Cruz, Executive director',
      'Jo Kim\tBoard member\tWest Virginia',
    ];
    const id = await addEngagement(
      ctx.db.knex,
      agent,
      kase.id,
      engagementForm([consultant], {
        format: 'online_training',
        participant_count: '24',
        jurisdictions: states,
        attendees: lines.join('\r\n'),
      }),
    );
    assert.deepEqual(
      (await jurisdictionRows(ctx.db.knex, id)).map((r) => r.jurisdiction_code),
      [...states].sort(),
    );
    const attendees = await ctx.db
      .knex('engagement_attendees')
      .where({ engagement_id: id })
      .orderBy('id')
      .select('name', 'role', 'jurisdiction_code');
    assert.deepEqual(attendees, [
      { name: 'Ann Lee', role: 'Board member', jurisdiction_code: 'OH' },
      { name: 'Bo Diaz', role: 'Staff', jurisdiction_code: 'KY' },
      { name: 'Cy Park', role: 'Chair, Board of Education', jurisdiction_code: 'IN' },
      { name: 'Dee Ray', role: null, jurisdiction_code: 'MI' },
      { name: 'Ed Stone', role: 'Policy director', jurisdiction_code: 'PA' },
      { name: 'Fay Wong', role: 'Board member', jurisdiction_code: 'WV' },
      { name: 'Gus Holm', role: 'Board member', jurisdiction_code: 'OH' },
      { name: 'Hal Ito', role: null, jurisdiction_code: null },
      { name: 'Ida Cruz', role: 'Executive director', jurisdiction_code: null },
      { name: 'Jo Kim', role: 'Board member', jurisdiction_code: 'WV' },
    ]);
    const caseHtml = await agent.get(`/cases/${kase.id}`);
    assert.equal(caseHtml.status, 200);
    assert.match(caseHtml.text, /Indiana, Kentucky, Michigan, Ohio, Pennsylvania, West Virginia/);
  });
});
