import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dashboardFigures, hoursOf, parseReportFilters } from '../../server/services/report.service';
import { testApp } from '../helpers/app';
import { attemptSignIn, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { assertImported, assertInactiveConsultants, assertUnchanged, snapshot } from '../helpers/importing-db';
import { assertProblems, mixedFile, totalsOf } from '../helpers/importing-mixed';
import { databaseUrlOf, problemsPrinted, runCli, tempDir } from '../helpers/importing-cli';
import { toCsv, uniqueTag } from '../helpers/importing-csv';
import { ROOT } from '../helpers/built-server';
import { readDashboard } from '../helpers/reports-pages';

const SAMPLE = path.join(ROOT, 'seeds', 'import', 'sample.csv');

describeEachEngine('Import from the command line', (ctx) => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes the text to a file of its own and returns its path. */
  const fileOf = (text: string, name = `${uniqueTag('f')}.csv`) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const cli = (...args: string[]) => runCli(args, { DATABASE_URL: databaseUrlOf(ctx.db), DATA_DIR: dir });

  it('import --dry-run, on a file with ten bad rows of different kinds, exits 1, lists exactly those rows with column and reason, and writes nothing', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = fileOf(toCsv(mixed.bad));
    const before = await snapshot(ctx.db.knex);

    const run = await cli('import', file, '--dry-run');

    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^10 problems in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; nothing was imported:$`, 'm'));
    assertProblems(problemsPrinted(run.stderr), mixed.problems);
    assert.equal(run.stdout, '', 'nothing claims success');
    await assertUnchanged(ctx.db.knex, before);
  });

  it('import (a real run), on the file with bad rows, exits 1, refuses the whole file and writes nothing, not even its good rows', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = fileOf(toCsv(mixed.bad));
    const before = await snapshot(ctx.db.knex);

    const run = await cli('import', file);

    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /10 problems in .*; nothing was imported:/);
    assertProblems(problemsPrinted(run.stderr), mixed.problems);
    await assertUnchanged(ctx.db.knex, before);
    for (const c of mixed.cases)
      assert.equal(
        await ctx.db
          .knex('cases')
          .where({ idempotency_key: `import:${c.key}` })
          .first(),
        undefined,
        `no case ${c.key}`,
      );
    for (const email of mixed.newConsultants)
      assert.equal(await ctx.db.knex('users').where({ email }).first(), undefined, `no account for ${email}`);
  });

  it('import --dry-run, on the corrected file, exits 0, says what it would import and writes nothing', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = fileOf(toCsv(mixed.good));
    const before = await snapshot(ctx.db.knex);

    const run = await cli('import', file, '--dry-run');

    assert.equal(run.code, 0, run.stderr);
    const t = totalsOf(mixed.cases);
    const [summary, ...accounts] = run.stdout.trim().split('\n');
    assert.equal(
      summary,
      `Dry run: would import ${t.cases} cases and ${t.engagements} engagements from ${t.rows} rows; would create 2 inactive consultant accounts.`,
    );
    // The accounts it would make, one a line, and not the consultant who has one already.
    assert.equal(accounts.length, 2);
    for (const line of accounts) assert.match(line, /^ {2}\S.* <[^>]+@[^>]+>$/);
    assert.ok(!run.stdout.includes(existing.email));
    await assertUnchanged(ctx.db.knex, before);
  });

  it('import, on the corrected file, exits 0 and imports every case and engagement as written, with statuses given or worked out', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = fileOf(toCsv(mixed.good));
    const before = await snapshot(ctx.db.knex);

    const run = await cli('import', file);

    assert.equal(run.code, 0, run.stderr);
    const t = totalsOf(mixed.cases);
    assert.equal(
      run.stdout.trim(),
      `Imported ${t.cases} cases and ${t.engagements} engagements from ${t.rows} rows; 2 inactive consultant accounts created.`,
    );
    const after = await snapshot(ctx.db.knex);
    assert.equal(after.counts.cases - before.counts.cases, t.cases);
    assert.equal(after.counts.engagements - before.counts.engagements, t.engagements);
    assert.equal(after.counts.users - before.counts.users, 2, 'an account for each unknown consultant, none for the known one');
    assert.equal(after.counts.engagement_attendees, before.counts.engagement_attendees);
    await assertImported(ctx.db.knex, mixed.cases);
    await assertInactiveConsultants(ctx.db.knex, mixed.newConsultants);
    const known = await ctx.db.knex('users').where({ id: existing.id }).first();
    assert.ok(known.active === true || known.active === 1, 'the known consultant is left as they were');
  });

  it('import, run a second time on the same file, exits 0, adds nothing and says what is already there', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = fileOf(toCsv(mixed.good));
    const first = await cli('import', file);
    assert.equal(first.code, 0, first.stderr);
    const before = await snapshot(ctx.db.knex);

    const again = await cli('import', file);
    const dry = await cli('import', file, '--dry-run');

    const t = totalsOf(mixed.cases);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stdout.trim(),
      `Imported 0 cases and 0 engagements from ${t.rows} rows (already there: ${t.cases} cases, ${t.engagements} engagements).`,
    );
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      dry.stdout.trim(),
      `Dry run: would import 0 cases and 0 engagements from ${t.rows} rows (already there: ${t.cases} cases, ${t.engagements} engagements).`,
    );
    await assertUnchanged(ctx.db.knex, before);
    await assertImported(ctx.db.knex, mixed.cases);
  });

  it('import, on seeds/import/sample.csv, exits 0 on the dry run and then imports its 3 cases and 3 engagements', async function () {
    this.timeout(60_000);
    const keys = ['2017-OH-01', '2018-NET-01', '2019-KY-02'];
    assert.equal(
      await ctx.db
        .knex('cases')
        .whereIn(
          'idempotency_key',
          keys.map((k) => `import:${k}`),
        )
        .first(),
      undefined,
      'the sample is not imported yet',
    );
    const dry = await cli('import', SAMPLE, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^Dry run: would import 3 cases and 3 engagements from 4 rows; would create 2 inactive consultant accounts\.$/m,
    );

    const run = await cli('import', SAMPLE);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Imported 3 cases and 3 engagements from 4 rows; 2 inactive consultant accounts created\.$/m);
    const net = await ctx.db.knex('cases').where({ idempotency_key: 'import:2018-NET-01' }).first();
    assert.equal(net.track, 'network');
    assert.equal(net.jurisdiction_code, 'DC');
    const [eng] = await ctx.db.knex('engagements').where({ case_id: net.id });
    const codes = (await ctx.db.knex('engagement_jurisdictions').where({ engagement_id: eng.id }))
      .map((r: { jurisdiction_code: string }) => r.jurisdiction_code)
      .sort();
    assert.deepStrictEqual(codes, ['DC', 'KY', 'MI', 'NV']);
    assert.equal((await ctx.db.knex('cases').where({ idempotency_key: 'import:2019-KY-02' }).first()).status, 'withdrawn');
  });

  it('import, without a file or with two, exits 2 with the usage and writes nothing', async function () {
    this.timeout(60_000);
    const before = await snapshot(ctx.db.knex);
    const none = await cli('import');
    const two = await cli('import', SAMPLE, SAMPLE);
    for (const run of [none, two]) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /import needs one CSV file/);
    }
    await assertUnchanged(ctx.db.knex, before);
  });

  it('import, on a file that does not exist, exits non-zero and writes nothing', async function () {
    this.timeout(60_000);
    const before = await snapshot(ctx.db.knex);
    const run = await cli('import', path.join(dir, 'no-such-file.csv'));
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /no-such-file\.csv/);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('an imported consultant account, created inactive, cannot sign in', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = path.join(dir, `${uniqueTag('f')}.csv`);
    fs.writeFileSync(file, toCsv(mixed.good));
    const run = await cli('import', file);
    assert.equal(run.code, 0, run.stderr);

    const { app } = testApp();
    for (const email of mixed.newConsultants) {
      for (const password of ['', 'Granite-lamp-harbor-41']) {
        const { res } = await attemptSignIn(app, email, password);
        assert.notEqual(res.status, 303, `${email} is not signed in`);
        assert.ok(res.status === 401 || res.status === 422, `status ${res.status}`);
      }
    }
  });
});

describeEachEngine('Import from the command line, then the dashboard', (ctx) => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('dashboardFigures and GET /dashboard, after a command-line import, count the imported delivered engagements and none of the scheduled or cancelled ones', async function () {
    this.timeout(60_000);
    const director = await makeUser({ role: 'director' });
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const file = path.join(dir, 'history.csv');
    fs.writeFileSync(file, toCsv(mixed.good));
    const { filters } = parseReportFilters({}, 'America/New_York');
    const config = { responseTargetBusinessDays: 5 };
    const empty = await dashboardFigures(filters, config);
    assert.equal(empty.headline.engagements, 0, 'this database starts without engagements');

    const run = await runCli(['import', file], { DATABASE_URL: databaseUrlOf(ctx.db), DATA_DIR: dir });
    assert.equal(run.code, 0, run.stderr);

    // What the file says, counted by the definitions of PRODUCT.md.
    const all = mixed.cases.flatMap((c) => c.engagements);
    const delivered = all.filter((e) => e.status === 'delivered');
    const served = new Map<string, { first: string; last: string; engagements: number; minutes: number; participants: number }>();
    for (const e of delivered) {
      for (const code of e.jurisdictions) {
        const s = served.get(code) ?? { first: e.date, last: e.date, engagements: 0, minutes: 0, participants: 0 };
        s.first = e.date < s.first ? e.date : s.first;
        s.last = e.date > s.last ? e.date : s.last;
        s.engagements += 1;
        s.minutes += e.minutes;
        s.participants += e.participants;
        served.set(code, s);
      }
    }
    const listedOnlyByOthers = [...new Set(all.filter((e) => e.status !== 'delivered').flatMap((e) => e.jurisdictions))].filter(
      (c) => !served.has(c),
    );
    assert.deepStrictEqual(
      listedOnlyByOthers.sort(),
      ['MT', 'NV', 'TN'],
      'the file lists states only in scheduled or cancelled engagements',
    );

    const figures = await dashboardFigures(filters, config);
    assert.equal(figures.headline.engagements, delivered.length);
    assert.equal(figures.headline.hours, hoursOf(delivered.reduce((n, e) => n + e.minutes, 0)));
    assert.equal(
      figures.headline.participants,
      delivered.reduce((n, e) => n + e.participants, 0),
    );
    assert.equal(figures.headline.statesServed, served.size);
    for (const s of figures.states) {
      const want = served.get(s.code);
      if (!want) {
        assert.ok(!s.served, `${s.code} is not served`);
        continue;
      }
      assert.deepStrictEqual(
        {
          first: s.served && s.served.first_served,
          last: s.served && s.served.last_served,
          engagements: s.served && s.served.engagements,
          hours: s.served && s.served.hours,
          participants: s.served && s.served.participants,
        },
        {
          first: want.first,
          last: want.last,
          engagements: want.engagements,
          hours: hoursOf(want.minutes),
          participants: want.participants,
        },
        s.code,
      );
    }
    const y2018 = figures.years.find((y) => y.year === 2018);
    assert.equal(y2018?.engagements, delivered.filter((e) => e.date.startsWith('2018')).length);
    assert.equal(y2018?.newly, served.size, 'every state was first served in 2018');

    const { app } = testApp();
    const agent = await signInAs(app, director);
    const res = await agent.get('/dashboard');
    assert.equal(res.status, 200);
    const shown = readDashboard(res.text);
    assert.deepStrictEqual(
      { statesServed: shown.statesServed, engagements: shown.engagements, hours: shown.hours, participants: shown.participants },
      {
        statesServed: served.size,
        engagements: delivered.length,
        hours: figures.headline.hours,
        participants: figures.headline.participants,
      },
    );
    for (const code of listedOnlyByOthers)
      assert.equal(shown.rows.find((r) => r.code === code)?.served, false, `${code} is shown as not served`);
    for (const [code, want] of served)
      assert.equal(shown.rows.find((r) => r.code === code)?.engagements, want.engagements, `${code} on the page`);
  });
});
