import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testApp } from '../helpers/app';
import { attemptSignIn, makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { assertImported, assertInactiveConsultants, assertUnchanged, snapshot } from '../helpers/importing-db';
import { mixedFile, totalsOf } from '../helpers/importing-mixed';
import { SAMPLE, cliRuns } from '../helpers/importing-cli-runs';
import { toCsv, uniqueTag } from '../helpers/importing-csv';

describeEachEngine('Import from the command line', (ctx) => {
  const { dir, fileOf, cli } = cliRuns(ctx);

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

  it('import, on a file with a byte order mark, CRLF line endings and accented letters (read as bytes), imports it as the same file without them', async function () {
    this.timeout(60_000);
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const organization = 'Consejo de Educación de Añasco — Región Oeste';
    const rows = mixed.good.map((r) => ({ ...r, organization_name: organization }));
    const file = fileOf(`\uFEFF${toCsv(rows).replace(/\r?\n/g, '\r\n')}`);

    const run = await cli('import', file);

    assert.equal(run.code, 0, run.stderr);
    await assertImported(ctx.db.knex, mixed.cases);
    const names = await ctx.db
      .knex('cases')
      .whereIn(
        'idempotency_key',
        mixed.cases.map((c) => `import:${c.key}`),
      )
      .pluck('organization_name');
    assert.deepEqual([...new Set(names)], [organization], 'the accented letters are read as UTF-8 from the bytes');
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
