import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { csrfTokenOf, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { DOCUMENTED_COLUMNS, Row, caseOnly, toCsv, uniqueTag } from '../helpers/importing-csv';
import { assertImported, assertUnchanged, snapshot } from '../helpers/importing-db';
import { mixedFile } from '../helpers/importing-mixed';
import { problemsShown, summaryShown, upload } from '../helpers/importing-upload';
import { ROOT } from '../helpers/built-server';

describeEachEngine('Import files: encodings, layouts and names', (ctx) => {
  const { app } = testApp();

  async function director() {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    return { agent, token: csrfTokenOf((await agent.get('/admin/import')).text) };
  }

  /** One delivered engagement of a new case, with any column overridden. */
  const engagementRow = (key: string, overrides: Row = {}): Row => ({
    ...caseOnly(key, { lead_consultant_email: `lead.${key}@leep.example`.toLowerCase() }),
    engagement_date: '2018-04-12',
    start_time: '10:00',
    duration_minutes: '60',
    format: 'small_group',
    engagement_status: 'delivered',
    participant_count: '4',
    participant_jurisdictions: '',
    consultant_emails: '',
    engagement_topics: '',
    summary: 'Met the board.',
    ...overrides,
  });

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

  it('POST /admin/import, with a UTF-8 byte order mark and CRLF line endings, checks clean and imports as the same file without them', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();
    const file = toCsv(mixed.good, { bom: true, eol: '\r\n' });
    assert.ok(file.startsWith('\ufeffcase_key,') && file.includes('\r\n'));

    const check = await upload(agent, file, { token, action: 'check' });
    assert.equal(check.status, 200, JSON.stringify(problemsShown(check.text)));
    const run = await upload(agent, file, { token, action: 'import' });

    assert.equal(run.status, 200);
    await assertImported(ctx.db.knex, mixed.cases);
    // Nothing of the line ending is left in the last column.
    const kase = await ctx.db
      .knex('cases')
      .where({ idempotency_key: `import:${mixed.cases[0].key}` })
      .first();
    for (const e of await ctx.db.knex('engagements').where({ case_id: kase.id })) assert.doesNotMatch(String(e.summary), /\r/);
  });

  it('POST /admin/import, with a byte order mark and CRLF endings on a file with a bad row, still numbers the rows from the header', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const { agent, token } = await director();

    const res = await upload(agent, toCsv(mixed.bad, { bom: true, eol: '\r\n' }), { token, action: 'check' });

    assert.equal(res.status, 422);
    assert.deepStrictEqual(
      problemsShown(res.text).map((p) => p.row),
      mixed.problems.map((p) => p.row),
    );
  });

  it('POST /admin/import, with states and topics named in any mix of upper and lower case, imports them by their codes and slugs', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const row = engagementRow(key, {
      jurisdiction: 'oHIO',
      topics: 'APPLYING AN EQUITY LENS TO POLICY; board governance AND leadership',
      participant_jurisdictions: 'ky; District Of Columbia; puerto rico',
      engagement_topics: 'community ENGAGEMENT',
    });

    const res = await upload(agent, toCsv([row]), { token, action: 'import' });

    assert.equal(res.status, 200, JSON.stringify(problemsShown(res.text)));
    await assertImported(ctx.db.knex, [
      {
        key,
        track: 'ta',
        jurisdiction: 'OH',
        title: row.title as string,
        submitted: '2018-03-02',
        lead: row.lead_consultant_email as string,
        topics: ['board-governance', 'equity-lens'],
        status: 'completed',
        engagements: [
          {
            row: 2,
            date: '2018-04-12',
            start_time: '10:00',
            status: 'delivered',
            format: 'small_group',
            minutes: 60,
            participants: 4,
            jurisdictions: ['DC', 'KY', 'PR'],
            consultants: [row.lead_consultant_email as string],
            topics: ['community-engagement'],
          },
        ],
      },
    ]);
  });

  it('POST /admin/import, with a header whose column names are quoted, reads it as the same header', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const file = toCsv([engagementRow(key)], { quoteHeader: true });
    assert.ok(file.startsWith('"case_key","track",'));

    const res = await upload(agent, file, { token, action: 'import' });

    assert.equal(res.status, 200, JSON.stringify(problemsShown(res.text)));
    assert.equal((await ctx.db.knex('cases').where({ idempotency_key: `import:${key}` })).length, 1);
  });

  it('POST /admin/import, with blank lines and a summary over several lines, numbers each problem by its row in a spreadsheet', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const header = DOCUMENTED_COLUMNS.join(',');
    const line = (r: Row) => toCsv([r]).split('\n').slice(1).join('\n').replace(/\n$/, '');
    const text = [
      header, // row 1
      line(engagementRow(key, { summary: 'First line,\nsecond line with "quotes"' })), // row 2, over two lines of text
      '', // row 3: blank
      line(engagementRow(key, { engagement_date: '2018-05-01', duration_minutes: '900' })), // row 4
      '', // row 5
      '', // row 6
      line(engagementRow(key, { engagement_date: '2018-06-01', participant_count: '0' })), // row 7
      '',
    ].join('\n');

    const res = await upload(agent, text, { token, action: 'check' });

    assert.equal(res.status, 422);
    assert.deepStrictEqual(
      problemsShown(res.text).map((p) => ({ row: p.row, column: p.column })),
      [
        { row: 4, column: 'duration_minutes' },
        { row: 7, column: 'participant_count' },
      ],
    );
  });

  it('POST /admin/import, with a summary holding commas, quotes and a line break, keeps it exactly', async () => {
    const { agent, token } = await director();
    const key = uniqueTag();
    const summary = 'Agenda: equity lens, goals; "next steps"\nFollow-up in May.';

    const res = await upload(agent, toCsv([engagementRow(key, { summary })]), { token, action: 'import' });

    assert.equal(res.status, 200, JSON.stringify(problemsShown(res.text)));
    const kase = await ctx.db
      .knex('cases')
      .where({ idempotency_key: `import:${key}` })
      .first();
    const [e] = await ctx.db.knex('engagements').where({ case_id: kase.id });
    assert.equal(e.summary, summary);
  });

  it('POST /admin/import, with values longer than the database keeps (case key, names, organization, e-mail), answers 422 naming each and writes nothing', async () => {
    const { agent, token } = await director();
    const longKey = `${uniqueTag()}-${'k'.repeat(100)}`.slice(0, 100);
    const rows = [
      engagementRow(longKey),
      engagementRow(uniqueTag(), { requester_name: 'N'.repeat(121) }),
      engagementRow(uniqueTag(), { organization_name: 'O'.repeat(201) }),
      engagementRow(uniqueTag(), { requester_email: `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(63)}.org` }),
      engagementRow(uniqueTag(), { consultant_emails: `${'c'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(63)}.org` }),
    ];
    const before = await snapshot(ctx.db.knex);

    const res = await upload(agent, toCsv(rows), { token, action: 'import' });

    assert.equal(res.status, 422, res.text.slice(0, 500));
    assert.deepStrictEqual(
      problemsShown(res.text).map((p) => ({ row: p.row, column: p.column })),
      [
        { row: 2, column: 'case_key' },
        { row: 3, column: 'requester_name' },
        { row: 4, column: 'organization_name' },
        { row: 5, column: 'requester_email' },
        { row: 6, column: 'consultant_emails' },
      ],
    );
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import, with values at the longest the database keeps, imports them', async () => {
    const { agent, token } = await director();
    const key = `${uniqueTag()}-${'k'.repeat(100)}`.slice(0, 93);
    const row = engagementRow(key, { requester_name: 'N'.repeat(120), organization_name: 'O'.repeat(200), title: 'T'.repeat(120) });

    const res = await upload(agent, toCsv([row]), { token, action: 'import' });

    assert.equal(res.status, 200, JSON.stringify(problemsShown(res.text)));
    const kase = await ctx.db
      .knex('cases')
      .where({ idempotency_key: `import:${key}` })
      .first();
    assert.equal(kase.requester_name.length, 120);
    assert.equal(kase.organization_name.length, 200);
  });
});
