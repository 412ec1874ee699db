import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describeEachEngine } from '../helpers/db';
import { csrfTokenOf, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';

describeEachEngine('Import upload (smoke)', (ctx) => {
  const { app } = testApp();
  it('checks, imports and re-imports the sample file', async () => {
    const d = await signInAs(app, await makeUser({ role: 'director' }));
    const page = await d.get('/admin/import');
    assert.equal(page.status, 200, page.text);
    const token = csrfTokenOf(page.text);
    const sample = fs.readFileSync(path.join(__dirname, '../../seeds/import/sample.csv'));
    const check = await d.post('/admin/import').field('_csrf', token).field('action', 'check').attach('file', sample, 'sample.csv');
    assert.equal(check.status, 200, check.text.slice(0, 3000));
    assert.match(check.text, /would add 3 cases and 3 engagements/);
    assert.equal(Number((await ctx.db.knex('cases').count({ n: '*' }))[0].n), 0);
    const run = await d.post('/admin/import').field('_csrf', token).field('action', 'import').attach('file', sample, 'sample.csv');
    assert.equal(run.status, 200, run.text);
    assert.equal(Number((await ctx.db.knex('cases').count({ n: '*' }))[0].n), 3);
    const noToken = await d.post('/admin/import').field('action', 'import').attach('file', sample, 'sample.csv');
    assert.equal(noToken.status, 403);
  });
});
