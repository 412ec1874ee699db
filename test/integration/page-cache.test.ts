import assert from 'node:assert/strict';
import { csrfTokenOf, testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { makeCase, marker, staffClient } from '../helpers/cases';
import { pageCacheStats } from '../../server/services/page-cache';

/** Every CSRF token a page carries (one per form). */
const tokensOf = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
/** The signed-in name shown in the page's header. */
const headerName = (html: string) => /<span class="text-base-dark">([^<]*)<\/span>/.exec(html)?.[1];

describeEachEngine('Pages kept per data version', (ctx) => {
  const { app } = testApp();

  it('GET /cases/:id, seen once and then after a note is added, shows the note on the very next view', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const kase = await makeCase(ctx.db.knex);
    const before = await director.get(`/cases/${kase.id}`);
    assert.equal(before.status, 200);
    const again = await director.get(`/cases/${kase.id}`);
    assert.equal(again.status, 200);
    const note = marker('note');
    assert.doesNotMatch(again.text, new RegExp(note));
    const posted = await director.post(`/cases/${kase.id}/notes`, { body: `Kept pages must not hide ${note}` });
    assert.equal(posted.status, 303, posted.text.slice(0, 300));
    const after = await director.get(`/cases/${kase.id}`);
    assert.match(after.text, new RegExp(note));
  });

  it('GET /cases/:id, kept for one session, gives a second session of the same user its own CSRF token, which its forms accept', async () => {
    const user = await makeUser({ role: 'director' });
    const first = await staffClient(app, user);
    const second = await staffClient(app, user);
    const kase = await makeCase(ctx.db.knex);
    const a = await first.get(`/cases/${kase.id}`);
    const b = await second.get(`/cases/${kase.id}`);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const aTokens = new Set(tokensOf(a.text));
    const bTokens = new Set(tokensOf(b.text));
    assert.ok(aTokens.size === 1 && bTokens.size === 1, 'every form of a page carries the same token');
    assert.ok(tokensOf(b.text).length > 3, 'the case page has several forms');
    assert.notDeepEqual([...aTokens], [...bTokens]);
    const note = marker('second');
    const posted = await second.agent.post(`/cases/${kase.id}/notes`).type('form').send({ _csrf: csrfTokenOf(b.text), body: `From the second window ${note}` });
    assert.equal(posted.status, 303, posted.text.slice(0, 300));
    assert.match((await first.get(`/cases/${kase.id}`)).text, new RegExp(note));
  });

  it('GET /cases/:id, kept for a director, shows a consultant their own header and still refuses a consultant who may not see the case', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director', name: 'Dana Director' }));
    const lead = await makeUser({ name: 'Lee Lead' });
    const outsider = await staffClient(app, await makeUser({ name: 'Otto Outsider' }));
    const kase = await makeCase(ctx.db.knex, { status: 'assigned', leadId: lead.id });
    assert.equal(headerName((await director.get(`/cases/${kase.id}`)).text), 'Dana Director');
    const leadClient = await staffClient(app, lead);
    const seenByLead = await leadClient.get(`/cases/${kase.id}`);
    assert.equal(seenByLead.status, 200);
    assert.equal(headerName(seenByLead.text), 'Lee Lead');
    assert.doesNotMatch(seenByLead.text, /Dana Director/);
    assert.equal((await outsider.get(`/cases/${kase.id}`)).status, 404);
    assert.equal((await outsider.get(`/cases/${kase.id}`)).status, 404);
  });

  it('GET /cases, seen again with nothing changed, is served kept: one query (session, user and data version) instead of the page\'s own', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    await makeCase(ctx.db.knex);
    const queries: string[] = [];
    const count = (q: { sql: string }) => queries.push(q.sql);
    ctx.db.knex.on('query', count);
    try {
      // A page is kept at most a minute: start over if the minute turns between the two views.
      for (let attempt = 0; ; attempt += 1) {
        const minute = Math.floor(Date.now() / 60_000);
        queries.length = 0;
        assert.equal((await director.get('/cases')).status, 200);
        const first = queries.length;
        queries.length = 0;
        assert.equal((await director.get('/cases')).status, 200);
        if (minute !== Math.floor(Date.now() / 60_000) && attempt < 2) continue;
        assert.ok(first > 3, `the page's own queries run the first time (${first})`);
        assert.equal(queries.length, 1, queries.join('\n'));
        assert.match(queries[0], /from sessions s left join users u/);
        break;
      }
    } finally {
      ctx.db.knex.removeListener('query', count);
    }
    const fresh = marker('fresh');
    await makeCase(ctx.db.knex, { payload: { title: `Listed ${fresh}` } });
    assert.match((await director.get('/cases')).text, new RegExp(fresh));
  });

  it('GET /cases/:id, after its title is changed in SQL by hand, shows the new title at once', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const kase = await makeCase(ctx.db.knex);
    await director.get(`/cases/${kase.id}`);
    const title = marker('by-hand');
    await ctx.db.knex('cases').where({ id: kase.id }).update({ title });
    assert.match((await director.get(`/cases/${kase.id}`)).text, new RegExp(title));
  });

  it('a signed-in page, kept or not, is marked Cache-Control: no-store and carries no ETag', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    for (const path of ['/cases', '/cases', '/dashboard', '/dashboard', '/states/OH']) {
      const res = await director.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['cache-control'], 'no-store', path);
      assert.equal(res.headers.etag, undefined, path);
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/, path);
    }
  });

  it('GET /states/:code, for an unknown code, answers 404 each time and keeps nothing', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const kept = pageCacheStats().entries;
    assert.equal((await director.get('/states/ZZ')).status, 404);
    assert.equal((await director.get('/states/ZZ')).status, 404);
    assert.equal(pageCacheStats().entries, kept);
  });
});
