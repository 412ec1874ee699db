import assert from 'node:assert/strict';
import request from 'supertest';
import { dashboardFigures, hoursOf, parseReportFilters } from '../../server/services/report.service';
import { csrfTokenOf, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { DOCUMENTED_COLUMNS, toCsv, uniqueTag } from '../helpers/importing-csv';
import { assertImported, assertInactiveConsultants, assertUnchanged, snapshot } from '../helpers/importing-db';
import { assertProblems, mixedFile, totalsOf } from '../helpers/importing-mixed';
import { problemsShown, summaryShown, upload } from '../helpers/importing-upload';
import { readDashboard } from '../helpers/reports-pages';

describeEachEngine('Import upload page', (ctx) => {
  const { app } = testApp();

  /** A signed-in director and the CSRF token of the upload page (read before any post is built). */
  async function director() {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const page = await agent.get('/admin/import');
    assert.equal(page.status, 200);
    return { agent, token: csrfTokenOf(page.text) };
  }

  it('GET /admin/import, as a director, answers 200 with the form and the documented column layout', async () => {
    const { agent } = await director();
    const res = await agent.get('/admin/import');
    assert.equal(res.status, 200);
    assert.match(res.text, /enctype="multipart\/form-data"/);
    assert.match(res.text, /<input[^>]*name="file"[^>]*type="file"/);
    assert.match(res.text, /name="action" value="check"/);
    assert.match(res.text, /name="action" value="import"/);
    assert.equal(/<code class="import-columns">([^<]*)<\/code>/.exec(res.text)?.[1], DOCUMENTED_COLUMNS.join(','));
  });

  it('GET and POST /admin/import, as a consultant, answer 403 and import nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    const token = await consultant.csrf();
    const before = await snapshot(ctx.db.knex);

    assert.equal((await consultant.get('/admin/import')).status, 403);
    const res = await upload(consultant, toCsv(mixedFile(uniqueTag(), existing.email).good), { token, action: 'import' });

    assert.equal(res.status, 403);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('GET and POST /admin/import, signed out, answer 401 and import nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const before = await snapshot(ctx.db.knex);
    assert.equal((await request(app).get('/admin/import')).status, 401);
    const res = await upload(request.agent(app), toCsv(mixedFile(uniqueTag(), existing.email).good), { action: 'import' });
    assert.equal(res.status, 401);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import, as a director without a CSRF token or with a wrong one, answers 403 and imports nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const { agent, token } = await director();
    const file = toCsv(mixedFile(uniqueTag(), existing.email).good);
    const before = await snapshot(ctx.db.knex);

    const without = await upload(agent, file, { action: 'import' });
    const wrong = await upload(agent, file, { action: 'import', token: `${token.slice(0, -4)}AAAA` });

    assert.equal(without.status, 403);
    assert.equal(wrong.status, 403);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import, without a file, answers 422 asking for one', async () => {
    const { agent, token } = await director();
    const res = await agent.post('/admin/import').field('_csrf', token).field('action', 'check');
    assert.equal(res.status, 422);
    assert.match(res.text, /id="field-file-error"[^>]*>Choose a CSV file</);
  });

  it('POST /admin/import with action=check, on a file with ten bad rows, answers 422 listing exactly those rows (row, column, problem) and writes nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, toCsv(mixed.bad), { token, action: 'check', name: 'history.csv' });

    assert.equal(res.status, 422);
    assert.match(res.text, /10 problems in history\.csv: nothing was imported/);
    assertProblems(problemsShown(res.text), mixed.problems);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import with action=import, on the file with bad rows, answers 422, refuses the whole file and writes nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, toCsv(mixed.bad), { token, action: 'import' });

    assert.equal(res.status, 422);
    assertProblems(problemsShown(res.text), mixed.problems);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import with action=check, on the corrected file, answers 200 saying what it would add, and writes nothing', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, toCsv(mixed.good), { token, action: 'check', name: 'history.csv' });

    assert.equal(res.status, 200);
    assert.match(res.text, /history\.csv is ready to import/);
    const t = totalsOf(mixed.cases);
    assert.equal(
      summaryShown(res.text),
      `It would add ${t.cases} cases and ${t.engagements} engagements from ${t.rows} rows. 2 inactive consultant accounts would be created.`,
    );
    assert.deepStrictEqual(problemsShown(res.text), []);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import with action=import, on the corrected file, answers 200 and imports every case and engagement as written', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();

    const res = await upload(agent, toCsv(mixed.good), { token, action: 'import', name: 'history.csv' });

    assert.equal(res.status, 200, res.text.slice(0, 2000));
    assert.match(res.text, /Imported history\.csv/);
    const t = totalsOf(mixed.cases);
    assert.equal(
      summaryShown(res.text),
      `Added ${t.cases} cases and ${t.engagements} engagements from ${t.rows} rows. 2 inactive consultant accounts were created.`,
    );
    await assertImported(ctx.db.knex, mixed.cases);
    await assertInactiveConsultants(ctx.db.knex, mixed.newConsultants);
    const created = await ctx.db
      .knex('case_events')
      .whereIn(
        'case_id',
        ctx.db
          .knex('cases')
          .select('id')
          .where('idempotency_key', 'like', `import:${mixed.cases[0].key.slice(0, -1)}%`),
      )
      .where({ kind: 'case.created' });
    assert.equal(created.length, t.cases);
    for (const e of created) assert.equal(JSON.parse(e.after_json).file, 'history.csv', 'the timeline names the file');
  });

  it('POST /admin/import, the same file a second time, answers 200, adds nothing and says what is already here', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    const file = toCsv(mixed.good);
    assert.equal((await upload(agent, file, { token, action: 'import' })).status, 200);
    const before = await snapshot(ctx.db.knex);

    const check = await upload(agent, file, { token, action: 'check' });
    const again = await upload(agent, file, { token, action: 'import' });

    const t = totalsOf(mixed.cases);
    assert.equal(check.status, 200);
    assert.equal(
      summaryShown(check.text),
      `It would add 0 cases and 0 engagements from ${t.rows} rows; already here: ${t.cases} cases and ${t.engagements} engagements.`,
    );
    assert.equal(again.status, 200);
    assert.equal(
      summaryShown(again.text),
      `Added 0 cases and 0 engagements from ${t.rows} rows; already here: ${t.cases} cases and ${t.engagements} engagements.`,
    );
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import, a file that adds one engagement to a case imported before, adds only that engagement', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    assert.equal((await upload(agent, toCsv(mixed.good), { token, action: 'import' })).status, 200);
    const before = await snapshot(ctx.db.knex);
    const last = mixed.good[mixed.good.length - 1];
    const more = [...mixed.good, { ...last, engagement_date: '2020-03-02', start_time: '', summary: 'A second meeting.' }];

    const res = await upload(agent, toCsv(more), { token, action: 'import' });

    assert.equal(res.status, 200);
    const t = totalsOf(mixed.cases);
    assert.equal(
      summaryShown(res.text),
      `Added 0 cases and 1 engagements from ${t.rows + 1} rows; already here: ${t.cases} cases and ${t.engagements} engagements.`,
    );
    const after = await snapshot(ctx.db.knex);
    assert.equal(after.counts.engagements, before.counts.engagements + 1);
    assert.equal(after.counts.cases, before.counts.cases);
    const kase = await ctx.db
      .knex('cases')
      .where({ idempotency_key: `import:${last.case_key}` })
      .first();
    assert.deepStrictEqual(
      (await ctx.db.knex('engagements').where({ case_id: kase.id }).orderBy('date')).map((e: { date: string }) => e.date),
      ['2020-02-01', '2020-03-02'],
    );
  });
});

describeEachEngine('Import upload, then the dashboard', () => {
  const { app } = testApp();

  it('GET /dashboard and dashboardFigures, after an upload, count the imported delivered engagements and none of the scheduled or cancelled ones', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const token = csrfTokenOf((await agent.get('/admin/import')).text);
    const beforeShown = readDashboard((await agent.get('/dashboard')).text);
    assert.equal(beforeShown.engagements, 0, 'this database starts without engagements');

    const res = await upload(agent, toCsv(mixed.good), { token, action: 'import' });
    assert.equal(res.status, 200);

    const delivered = mixed.cases.flatMap((c) => c.engagements).filter((e) => e.status === 'delivered');
    const states = new Set(delivered.flatMap((e) => e.jurisdictions));
    const expected = {
      statesServed: states.size,
      engagements: delivered.length,
      hours: hoursOf(delivered.reduce((n, e) => n + e.minutes, 0)),
      participants: delivered.reduce((n, e) => n + e.participants, 0),
    };
    const figures = await dashboardFigures(parseReportFilters({}, 'America/New_York').filters, { responseTargetBusinessDays: 5 });
    assert.deepStrictEqual(
      {
        statesServed: figures.headline.statesServed,
        engagements: figures.headline.engagements,
        hours: figures.headline.hours,
        participants: figures.headline.participants,
      },
      expected,
    );
    const shown = readDashboard((await agent.get('/dashboard')).text);
    assert.deepStrictEqual(
      { statesServed: shown.statesServed, engagements: shown.engagements, hours: shown.hours, participants: shown.participants },
      expected,
    );
    assert.deepStrictEqual(
      shown.rows
        .filter((r) => r.served)
        .map((r) => r.code)
        .sort(),
      [...states].sort(),
    );
    for (const code of ['NV', 'MT', 'TN'])
      assert.equal(
        shown.rows.find((r) => r.code === code)?.served,
        false,
        `${code}, listed only by a cancelled or scheduled engagement, is not served`,
      );
    // A period holding only the cancelled engagement counts nothing.
    const later = await agent.get('/dashboard?from=2018-06-15&to=2018-08-31');
    assert.equal(readDashboard(later.text).engagements, 0);
  });
});
