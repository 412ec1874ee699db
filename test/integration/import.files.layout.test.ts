import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describeEachEngine } from '../helpers/db';
import { DOCUMENTED_COLUMNS, Row, toCsv, uniqueTag } from '../helpers/importing-csv';
import { assertUnchanged, snapshot } from '../helpers/importing-db';
import { engagementRow, importPage } from '../helpers/importing-files';
import { problemsShown, summaryShown, upload } from '../helpers/importing-upload';
import { ROOT } from '../helpers/built-server';

describeEachEngine('Import files: encodings, layouts and names', (ctx) => {
  const { director } = importPage();

  it('POST /admin/import, with seeds/import/sample.csv, checks clean and imports its 3 cases and 3 engagements', async () => {
    const { agent, token } = await director();
    const sample = fs.readFileSync(path.join(ROOT, 'seeds', 'import', 'sample.csv'));
    const before = await snapshot(ctx.db.knex);

    const check = await upload(agent, sample, { token, action: 'check', name: 'sample.csv' });
    assert.equal(
      check.status,
      200,
      problemsShown(check.text)
        .map((p) => `${p.row} ${p.column} ${p.message}`)
        .join('\n'),
    );
    assert.equal(
      summaryShown(check.text),
      'It would add 3 cases and 3 engagements from 4 rows. 2 inactive consultant accounts would be created.',
    );
    await assertUnchanged(ctx.db.knex, before);

    const run = await upload(agent, sample, { token, action: 'import', name: 'sample.csv' });
    assert.equal(run.status, 200);
    assert.equal(summaryShown(run.text), 'Added 3 cases and 3 engagements from 4 rows. 2 inactive consultant accounts were created.');
    const ohio = await ctx.db.knex('cases').where({ idempotency_key: 'import:2017-OH-01' }).first();
    assert.equal(ohio.status, 'completed');
    assert.match(ohio.reference, /^TA-2017-\d{4}$/);
    assert.equal(ohio.source, 'import');
  });

  it('POST /admin/import, with a file missing a column of the layout, answers 422 naming the column on row 1 and writes nothing', async () => {
    const { agent, token } = await director();
    const columns = DOCUMENTED_COLUMNS.filter((c) => c !== 'participant_count');
    const file = toCsv([engagementRow(uniqueTag())], { columns });
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, file, { token, action: 'import' });

    assert.equal(res.status, 422);
    const problems = problemsShown(res.text);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.deepStrictEqual({ row: problems[0].row, column: problems[0].column }, { row: 1, column: 'participant_count' });
    assert.match(problems[0].message, /Missing columns/);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import, with a column the layout does not have, answers 422 naming it on row 1 and writes nothing', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const file = toCsv([{ ...engagementRow(key), ...({ notes: 'x' } as Row) }], { columns: [...DOCUMENTED_COLUMNS, 'notes'] });
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, file, { token, action: 'import' });

    assert.equal(res.status, 422);
    const problems = problemsShown(res.text);
    assert.deepStrictEqual(
      problems.map((p) => ({ row: p.row, column: p.column })),
      [{ row: 1, column: 'notes' }],
    );
    assert.match(problems[0].message, /Unknown column/);
    await assertUnchanged(ctx.db.knex, before);
  });

  const notCsv: { name: string; body: Buffer; message: RegExp }[] = [
    {
      name: 'a PNG image',
      body: Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex'),
      message: /Missing columns|not valid CSV|contains NUL characters/,
    },
    { name: 'a JSON document', body: Buffer.from('{"case_key": "2017-OH-01", "track": "ta"}\n'), message: /not valid CSV/ },
    {
      name: 'a CSV file whose quote is never closed',
      body: Buffer.from(`${DOCUMENTED_COLUMNS.join(',')}\n"2017-OH-01,ta\n`),
      message: /not valid CSV/,
    },
    {
      name: 'rows with more fields than the header',
      body: Buffer.from(`${DOCUMENTED_COLUMNS.join(',')}\n${[...DOCUMENTED_COLUMNS, 'extra'].map(() => 'x').join(',')}\n`),
      message: /not valid CSV/,
    },
  ];
  for (const c of notCsv) {
    it(`POST /admin/import, with ${c.name}, answers 422 with one clear problem and writes nothing`, async () => {
      const { agent, token } = await director();
      const before = await snapshot(ctx.db.knex);

      const res = await upload(agent, c.body, { token, action: 'import', name: 'upload.csv' });

      assert.equal(res.status, 422);
      const problems = problemsShown(res.text);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0].message, c.message);
      assert.ok(problems[0].row >= 1);
      await assertUnchanged(ctx.db.knex, before);
    });
  }

  it('POST /admin/import, with a header whose column names are quoted, reads it as the same header', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const file = toCsv([engagementRow(key)], { quoteHeader: true });
    assert.ok(file.startsWith('"case_key","track",'));

    const res = await upload(agent, file, { token, action: 'import' });

    assert.equal(res.status, 200, JSON.stringify(problemsShown(res.text)));
    assert.equal((await ctx.db.knex('cases').where({ idempotency_key: `import:${key}` })).length, 1);
  });
});
