import assert from 'node:assert/strict';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { assertImported, assertUnchanged, snapshot } from '../helpers/importing-db';
import { mixedFile, totalsOf } from '../helpers/importing-mixed';
import { summaryShown, upload } from '../helpers/importing-upload';
import { toCsv, uniqueTag } from '../helpers/importing-csv';

/** The token of the kept upload in the check page's "Import this file" form. */
const keptTokenOf = (html: string) => /<form[^>]*action="\/admin\/import\/kept"[\s\S]*?name="upload" value="([^"]+)"/.exec(html)?.[1];

describeEachEngine('Import: the checked file is kept for "Import this file"', (ctx) => {
  const { app } = testApp();

  /** A director who has checked a good file: the agent, the CSRF token and the kept upload's token. */
  async function checked() {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const token = csrfTokenOf((await agent.get('/admin/import')).text);
    const check = await upload(agent, toCsv(mixed.good), { token, action: 'check', name: 'history.csv' });
    assert.equal(check.status, 200);
    assert.match(check.text, /<button class="usa-button" type="submit">Import this file<\/button>/);
    const upload_ = keptTokenOf(check.text);
    assert.ok(upload_, 'the check page names the kept file');
    return { agent, token, upload: upload_, mixed };
  }

  const importKept = (agent: Awaited<ReturnType<typeof checked>>['agent'], token: string, uploadToken: string) =>
    agent
      .post('/admin/import/kept')
      .type('form')
      .send(encodeForm({ _csrf: token, upload: uploadToken }));

  it('POST /admin/import/kept, after a check, imports the file without choosing it again (each case once) and removes the kept file', async () => {
    const { agent, token, upload: kept, mixed } = await checked();
    assert.equal(Number((await ctx.db.knex('import_uploads').count({ n: '*' }))[0].n), 1);

    const res = await importKept(agent, token, kept);

    assert.equal(res.status, 200, res.text.slice(0, 2000));
    assert.match(res.text, /Imported history\.csv/);
    const t = totalsOf(mixed.cases);
    assert.match(
      summaryShown(res.text) ?? '',
      new RegExp(`^Added ${t.cases} cases and ${t.engagements} engagements from ${t.rows} rows\\.`),
    );
    await assertImported(ctx.db.knex, mixed.cases);
    for (const c of mixed.cases)
      assert.equal((await ctx.db.knex('cases').where({ idempotency_key: `import:${c.key}` })).length, 1, `case ${c.key} once`);
    assert.equal(Number((await ctx.db.knex('import_uploads').count({ n: '*' }))[0].n), 0, 'a used file is removed');
  });

  it('POST /admin/import/kept, by another director, answers 404, imports nothing and leaves the file to its owner', async () => {
    const { upload: kept, agent, token } = await checked();
    const other = await signInAs(app, await makeUser({ role: 'director' }));
    const otherToken = csrfTokenOf((await other.get('/admin/import')).text);
    const before = await snapshot(ctx.db.knex);

    const res = await importKept(other, otherToken, kept);

    assert.equal(res.status, 404);
    await assertUnchanged(ctx.db.knex, before);
    assert.equal((await importKept(agent, token, kept)).status, 200, 'the owner can still import it');
  });

  it('POST /admin/import/kept, on a file checked more than an hour ago, answers 410 asking for the file again and imports nothing', async () => {
    const { agent, token, upload: kept } = await checked();
    await ctx.db.knex('import_uploads').update({ created_at: new Date(Date.now() - 61 * 60 * 1000).toISOString() });
    const before = await snapshot(ctx.db.knex);

    const res = await importKept(agent, token, kept);

    assert.equal(res.status, 410);
    assert.match(res.text, /checked more than an hour ago\. Choose the file again\./);
    assert.match(res.text, /<a href="\/admin\/import">Start again with the file<\/a>/);
    await assertUnchanged(ctx.db.knex, before);
    assert.equal(Number((await ctx.db.knex('import_uploads').count({ n: '*' }))[0].n), 0, 'the expired file is removed');
  });

  it('POST /admin/import/kept, a second time with the same file, answers 410 and adds nothing', async () => {
    const { agent, token, upload: kept } = await checked();
    assert.equal((await importKept(agent, token, kept)).status, 200);
    const before = await snapshot(ctx.db.knex);

    const again = await importKept(agent, token, kept);

    assert.equal(again.status, 410);
    assert.match(again.text, /it was imported already/);
    assert.doesNotMatch(again.text, /Imported records\.csv|Added \d+ cases/);
    await assertUnchanged(ctx.db.knex, before);
  });

  it('POST /admin/import/kept, without a CSRF token, answers 403, imports nothing and keeps the file', async () => {
    const { agent, upload: kept } = await checked();
    const before = await snapshot(ctx.db.knex);

    const res = await agent
      .post('/admin/import/kept')
      .type('form')
      .send(encodeForm({ upload: kept }));

    assert.equal(res.status, 403);
    await assertUnchanged(ctx.db.knex, before);
    assert.equal(Number((await ctx.db.knex('import_uploads').count({ n: '*' }))[0].n), 1);
    await ctx.db.knex('import_uploads').delete();
  });

  it('POST /admin/import with action=check, on a file with problems, keeps nothing and offers no "Import this file"', async () => {
    const existing = await makeUser({ role: 'consultant' });
    const mixed = mixedFile(uniqueTag(), existing.email);
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const token = csrfTokenOf((await agent.get('/admin/import')).text);

    const res = await upload(agent, toCsv(mixed.bad), { token, action: 'check' });

    assert.equal(res.status, 422);
    assert.equal(keptTokenOf(res.text), undefined);
    assert.equal(Number((await ctx.db.knex('import_uploads').count({ n: '*' }))[0].n), 0);
  });
});
