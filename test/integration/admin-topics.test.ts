import assert from 'node:assert/strict';
import request from 'supertest';
import { dashboardFigures, parseReportFilters } from '../../server/services/report.service';
import { createEngagement } from '../../server/services/engagement.service';
import { testApp } from '../helpers/app';
import { Agent, auditEvents, errorAt, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { ZONE, makeCase } from '../helpers/engagements';
import { requestPayload } from '../helpers/factories';

describeEachEngine('Topics administration', (t) => {
  const { app, config } = testApp();
  let director: Agent & { csrf: (page?: string) => Promise<string> };
  let directorId: number;
  let consultant: Agent & { csrf: (page?: string) => Promise<string> };
  const topic = (slug: string) => t.db.knex('topics').where({ slug }).first();
  const topicCount = async () => Number((await t.db.knex('topics').count({ n: '*' }))[0].n);
  const post = async (agent: typeof director, path: string, fields: Record<string, string> = {}) =>
    agent
      .post(path)
      .type('form')
      .send({ ...fields, _csrf: await agent.csrf('/cases') });

  before(async () => {
    const d = await makeUser({ role: 'director' });
    directorId = d.id;
    director = await signInAs(app, d);
    consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
  });

  it('GET /admin/topics, as a director, lists every topic with its status and a form to add one', async () => {
    const res = await director.get('/admin/topics');
    assert.equal(res.status, 200);
    const seeded = await t.db.knex('topics').select('name');
    assert.ok(seeded.length >= 10);
    for (const s of seeded) assert.ok(res.text.includes(`value="${s.name.replace(/&/g, '&amp;')}"`) || res.text.includes(s.name), s.name);
    assert.match(res.text, /<form method="post" action="\/admin\/topics"/);
  });

  it('POST /admin/topics, as a director, adds the topic, offers it on the request form and writes the audit log', async () => {
    const res = await post(director, '/admin/topics', { name: 'Rural school boards' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/admin/topics?saved=1');
    const row = await topic('rural-school-boards');
    assert.ok(row);
    assert.equal(row.name, 'Rural school boards');
    const form = await request(app).get('/requests/new');
    assert.ok(form.text.includes('Rural school boards'));
    const audit = await auditEvents(t.db.knex, 'topic.added', `topic:${row.id}`);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_user_id, directorId);
  });

  it('POST /admin/topics, with a blank name or one already used, answers 422 with the value kept and a message at the field, and adds nothing', async () => {
    const before = await topicCount();
    const blank = await post(director, '/admin/topics', { name: '   ' });
    assert.equal(blank.status, 422);
    assert.ok(errorAt(blank.text, 'name'));
    const taken = await post(director, '/admin/topics', { name: 'RURAL school boards' });
    assert.equal(taken.status, 422);
    assert.equal(errorAt(taken.text, 'name'), 'There is already a topic with this name');
    assert.match(taken.text, /id="field-name"[^>]*value="RURAL school boards"/);
    assert.equal(await topicCount(), before);
  });

  it('POST /admin/topics/:id, as a director, renames the topic everywhere it shows and keeps its slug', async () => {
    const row = await topic('rural-school-boards');
    const res = await post(director, `/admin/topics/${row.id}`, { name: 'Rural and small boards' });
    assert.equal(res.status, 303);
    const after = await topic('rural-school-boards');
    assert.equal(after.name, 'Rural and small boards');
    const audit = await auditEvents(t.db.knex, 'topic.renamed', `topic:${row.id}`);
    assert.deepEqual(JSON.parse(String(audit[0].detail_json)), { before: 'Rural school boards', after: 'Rural and small boards' });
  });

  it('POST /admin/topics/:id, with an empty name, answers 422 with a message at that topic and changes nothing', async () => {
    const row = await topic('rural-school-boards');
    const res = await post(director, `/admin/topics/${row.id}`, { name: '' });
    assert.equal(res.status, 422);
    assert.ok(errorAt(res.text, `rename-${row.id}`));
    assert.equal((await topic('rural-school-boards')).name, 'Rural and small boards');
  });

  it('POST /admin/topics/:id/retire, as a director, takes the topic off the request form and the API but keeps it on old records and in reports', async () => {
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, director: { id: directorId } as never });
    await t.db.knex('cases').where({ id: kase.id }).update({ submitted_at: '2026-06-01T14:00:00.000Z' });
    await createEngagement(
      kase.id,
      {
        status: 'delivered',
        date: '2026-06-10',
        duration_minutes: 60,
        format: 'one_on_one',
        consultant_ids: [lead.id],
        participant_count: 2,
        jurisdictions: ['OH'],
        topics: ['rural-school-boards'],
        summary: 'Met.',
      },
      { id: directorId, role: 'director' },
      { timeZone: ZONE },
    );
    const row = await topic('rural-school-boards');
    const res = await post(director, `/admin/topics/${row.id}/retire`);
    assert.equal(res.status, 303);
    assert.equal(Boolean((await topic('rural-school-boards')).active), false);
    assert.equal((await auditEvents(t.db.knex, 'topic.retired', `topic:${row.id}`)).length, 1);
    // Off the request form, and refused by the API.
    const form = await request(app).get('/requests/new');
    assert.ok(!form.text.includes('Rural and small boards'));
    const api = await request(app)
      .post('/api/v1/requests')
      .send(requestPayload({ topics: ['rural-school-boards'] }));
    assert.equal(api.status, 400);
    // Still on the engagement, and in the dashboard's topic figures.
    assert.equal(Number((await t.db.knex('engagement_topics').where({ topic_id: row.id }).count({ n: '*' }))[0].n), 1);
    const figures = await dashboardFigures(parseReportFilters({ from: '2026-01-01' }, ZONE).filters, { responseTargetBusinessDays: 5 });
    assert.deepEqual(
      figures.byTopic.filter((r) => r.key === 'rural-school-boards').map((r) => [r.label, r.engagements]),
      [['Rural and small boards', 1]],
    );
    const page = await director.get('/admin/topics');
    assert.match(page.text, /<strong>Retired<\/strong>/);
  });

  it('POST /admin/topics/:id/restore, as a director, offers the topic again', async () => {
    const row = await topic('rural-school-boards');
    assert.equal((await post(director, `/admin/topics/${row.id}/restore`)).status, 303);
    assert.equal(Boolean((await topic('rural-school-boards')).active), true);
    assert.ok((await request(app).get('/requests/new')).text.includes('Rural and small boards'));
  });

  it('POST /admin/topics and /admin/topics/:id/retire, as a consultant, answer 403 and change nothing', async () => {
    const before = await t.db.knex('topics').orderBy('id').select('id', 'name', 'active');
    const add = await post(consultant, '/admin/topics', { name: 'Sneaky topic' });
    assert.equal(add.status, 403);
    const retire = await post(consultant, `/admin/topics/${before[0].id}/retire`);
    assert.equal(retire.status, 403);
    assert.deepEqual(await t.db.knex('topics').orderBy('id').select('id', 'name', 'active'), before);
  });

  it('POST /admin/topics/:id, for a topic that does not exist, answers 404', async () => {
    assert.equal((await post(director, '/admin/topics/999999', { name: 'Ghost' })).status, 404);
  });
});
