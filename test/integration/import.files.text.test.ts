import assert from 'node:assert/strict';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { DOCUMENTED_COLUMNS, Row, toCsv, uniqueTag } from '../helpers/importing-csv';
import { assertImported } from '../helpers/importing-db';
import { engagementRow, importPage } from '../helpers/importing-files';
import { mixedFile } from '../helpers/importing-mixed';
import { problemsShown, upload } from '../helpers/importing-upload';

describeEachEngine('Import files: encodings, layouts and names', (ctx) => {
  const { director } = importPage();

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
});
