import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { toCsv, uniqueTag } from '../helpers/importing-csv';
import { assertUnchanged, snapshot } from '../helpers/importing-db';
import { engagementRow, importPage } from '../helpers/importing-files';
import { problemsShown, upload } from '../helpers/importing-upload';

describeEachEngine('Import files: encodings, layouts and names', (ctx) => {
  const { director } = importPage();

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
