import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { csrfTokenOf, testApp } from '../helpers/app';
import { makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { upload } from '../helpers/importing-upload';

const SAMPLE = path.resolve(__dirname, '..', '..', 'seeds', 'import', 'sample.csv');

describeEachEngine('Import: the accounts a check would create, and the sample to download', (ctx) => {
  const { app } = testApp();

  it('POST /admin/import with action=check, on the sample, lists the accounts it would create and flags one with the name of an existing person under another e-mail, writing nothing', async () => {
    await makeUser({ role: 'consultant', name: 'Avery Johnson', email: `avery.j.${Date.now()}@nasbe.example` });
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    const token = csrfTokenOf((await agent.get('/admin/import')).text);
    const [{ n: usersBefore }] = await ctx.db.knex('users').count({ n: '*' });
    const res = await upload(agent, fs.readFileSync(SAMPLE), { token, action: 'check', name: 'sample.csv' });
    assert.equal(res.status, 200);
    const items = [...res.text.matchAll(/<li>([\s\S]*?)<\/li>/g)]
      .map((m) =>
        m[1]
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter((t) => t.includes('&lt;'));
    assert.equal(items.length, 2, items.join('\n'));
    assert.match(
      items[0],
      /^Avery Johnson &lt;avery\.johnson@leep\.example&gt; Check the same name as Avery Johnson &lt;avery\.j\.\d+@nasbe\.example&gt;: is it the same person\?$/,
    );
    assert.equal(items[1], 'Maya Okafor &lt;maya.okafor@leep.example&gt;');
    const [{ n: usersAfter }] = await ctx.db.knex('users').count({ n: '*' });
    assert.equal(Number(usersAfter), Number(usersBefore), 'a check creates no account');
  });

  it('GET /admin/import/sample.csv, as a director, downloads the sample as CSV; the import page links to it; a consultant gets 403', async () => {
    const agent = await signInAs(app, await makeUser({ role: 'director' }));
    assert.match((await agent.get('/admin/import')).text, /<a href="\/admin\/import\/sample\.csv" download>/);
    const res = await agent.get('/admin/import/sample.csv');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="?leep-import-sample\.csv"?$/);
    assert.equal(res.text, fs.readFileSync(SAMPLE, 'utf8'));
    const consultant = await signInAs(app, await makeUser({ role: 'consultant' }));
    assert.equal((await consultant.get('/admin/import/sample.csv')).status, 403);
  });
});
