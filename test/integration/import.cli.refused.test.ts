import assert from 'node:assert/strict';
import path from 'node:path';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { assertUnchanged, snapshot } from '../helpers/importing-db';
import { assertProblems, mixedFile } from '../helpers/importing-mixed';
import { problemsPrinted } from '../helpers/importing-cli';
import { SAMPLE, cliRuns } from '../helpers/importing-cli-runs';
import { toCsv, uniqueTag } from '../helpers/importing-csv';

describeEachEngine('Import from the command line', (ctx) => {
  const { dir, fileOf, cli } = cliRuns(ctx);

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

  it('import, on a file with a NUL byte (not a text file), exits 1 saying so and writes nothing', async function () {
    this.timeout(60_000);
    const mixed = mixedFile(uniqueTag(), (await makeUser({ role: 'consultant' })).email);
    const file = fileOf(toCsv(mixed.good).replace('\n', '\n\u0000'));
    const before = await snapshot(ctx.db.knex);
    const run = await cli('import', file);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /row 1: The file contains NUL characters/);
    await assertUnchanged(ctx.db.knex, before);
  });
});
