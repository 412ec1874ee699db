import assert from 'node:assert/strict';
import request from 'supertest';
import { testApp } from '../helpers/app';
import { makeUser, TestUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { StaffClient, caseRow, countFor, listedCaseIds, makeCase, marker, staffClient } from '../helpers/cases';

describeEachEngine('Who sees which case', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** Two consultants, and cases: one each leads, one the first supports, one unassigned. */
  async function fixture() {
    const mine = await makeUser();
    const theirs = await makeUser();
    const tag = marker('vis');
    const payload = { title: `Visibility ${tag}` };
    const led = await makeCase(ctx.db.knex, { payload, status: 'assigned', leadId: mine.id });
    const supported = await makeCase(ctx.db.knex, { payload, status: 'in_progress', leadId: theirs.id, supporterIds: [mine.id] });
    const other = await makeCase(ctx.db.knex, { payload, status: 'assigned', leadId: theirs.id });
    const unassigned = await makeCase(ctx.db.knex, { payload });
    return { mine, theirs, tag, led, supported, other, unassigned };
  }

  const refusalsBy = async (user: TestUser) =>
    (await ctx.db.knex('audit_events').where({ action: 'access.refused', actor_user_id: user.id }).orderBy('id')).map((r) => ({
      subject: r.subject,
      detail: JSON.parse(r.detail_json),
    }));

  it('GET /cases, as a director, lists every case, whoever is on it', async () => {
    const f = await fixture();
    const res = await director.get(`/cases?q=${f.tag}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1[^>]*>All cases<\/h1>/);
    assert.deepEqual(listedCaseIds(res.text).sort(), [f.led.id, f.supported.id, f.other.id, f.unassigned.id].sort());
  });

  it('GET /cases, as a consultant, lists only the cases they lead or support', async () => {
    const f = await fixture();
    const client = await staffClient(app, f.mine);
    const res = await client.get('/cases');
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1[^>]*>My cases<\/h1>/);
    assert.deepEqual(listedCaseIds(res.text).sort(), [f.led.id, f.supported.id].sort());
    assert.match(res.text, /Showing 1–2 of 2 cases/);
  });

  it('GET /cases, as a consultant filtering by another consultant, still lists only their own cases', async () => {
    const f = await fixture();
    const client = await staffClient(app, f.mine);
    const res = await client.get(`/cases?consultant=${f.theirs.id}`);
    assert.deepEqual(listedCaseIds(res.text), [f.supported.id]);
  });

  it('GET /cases/:id, as a supporting consultant, shows the case', async () => {
    const f = await fixture();
    const client = await staffClient(app, f.mine);
    const res = await client.get(`/cases/${f.supported.id}`);
    assert.equal(res.status, 200);
    assert.match(res.text, new RegExp(f.supported.reference));
  });

  it("GET /cases/:id, as a consultant asking for another consultant's case, answers 404 and audits the refusal", async () => {
    const f = await fixture();
    const client = await staffClient(app, f.mine);
    const res = await client.get(`/cases/${f.other.id}`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.text, new RegExp(f.other.reference));
    assert.doesNotMatch(res.text, new RegExp(f.tag));
    assert.deepEqual(await refusalsBy(f.mine), [{ subject: `/cases/${f.other.id}`, detail: { status: 404 } }]);
  });

  it('GET /cases/:id, as a consultant asking for an unassigned case, answers 404', async () => {
    const f = await fixture();
    const client = await staffClient(app, f.mine);
    assert.equal((await client.get(`/cases/${f.unassigned.id}`)).status, 404);
  });

  for (const [path, fields, table] of [
    ['notes', { body: 'Sneaky note' }, 'case_notes'],
    ['messages', { body: 'Sneaky message' }, 'case_messages'],
    ['status', { to: 'on_hold', reason: 'Sneaky hold' }, undefined],
  ] as [string, Record<string, string>, string | undefined][]) {
    it(`POST /cases/:id/${path}, as a consultant on another consultant's case, answers 404, changes nothing and audits the refusal`, async () => {
      const f = await fixture();
      const client = await staffClient(app, f.mine);
      const before = await caseRow(ctx.db.knex, f.other.id);
      const events = await countFor(ctx.db.knex, 'case_events', f.other.id);
      const rows = table ? await countFor(ctx.db.knex, table, f.other.id) : 0;
      const res = await client.post(`/cases/${f.other.id}/${path}`, fields);
      assert.equal(res.status, 404);
      assert.deepEqual(await caseRow(ctx.db.knex, f.other.id), before);
      assert.equal(await countFor(ctx.db.knex, 'case_events', f.other.id), events);
      if (table) assert.equal(await countFor(ctx.db.knex, table, f.other.id), rows);
      assert.deepEqual(await refusalsBy(f.mine), [{ subject: `/cases/${f.other.id}/${path}`, detail: { status: 404 } }]);
    });
  }

  it("POST /cases/:id/status, as a consultant on another consultant's case in progress, answers 404 and leaves it in progress", async () => {
    const f = await fixture();
    const client = await staffClient(app, f.theirs);
    const own = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: f.mine.id });
    const res = await client.post(`/cases/${own.id}/status`, { to: 'on_hold', reason: 'x' });
    assert.equal(res.status, 404);
    assert.equal((await caseRow(ctx.db.knex, own.id)).status, 'in_progress');
  });

  it('GET /cases/:id, for a case id that does not exist, answers 404 to a director', async () => {
    const res = await director.get('/cases/987654');
    assert.equal(res.status, 404);
    assert.match(res.text, /We could not find that case/);
  });

  for (const id of ['abc', '1.5', '0', '-1', '1e0', '0x1', '99999999999']) {
    it(`GET /cases/${id}, an id that is not a case number, answers 404 to a director`, async () => {
      await makeCase(ctx.db.knex);
      const res = await director.get(`/cases/${id}`);
      assert.equal(res.status, 404);
    });
  }

  it('POST /cases/:id/notes, for a case id that does not exist, answers 404 and stores nothing', async () => {
    const notes = Number((await ctx.db.knex('case_notes').count({ n: '*' }))[0].n);
    const res = await director.post('/cases/987654/notes', { body: 'Into the void' });
    assert.equal(res.status, 404);
    assert.equal(Number((await ctx.db.knex('case_notes').count({ n: '*' }))[0].n), notes);
  });

  it('GET /cases and GET /cases/:id, signed out, answer 401 with the sign-in form', async () => {
    const kase = await makeCase(ctx.db.knex);
    for (const path of ['/cases', `/cases/${kase.id}`]) {
      const res = await request(app).get(path);
      assert.equal(res.status, 401, path);
      assert.match(res.text, /name="password"/);
    }
  });
});
