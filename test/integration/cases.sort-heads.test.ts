import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { listedCaseIds, makeCase, marker, staffClient } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';

/** The link and aria-sort of a column head of the case list. */
function head(html: string, label: string): { href: string; sort?: string } | undefined {
  const m = new RegExp(`<th scope="col"(?: aria-sort="(\\w+)")?><a href="([^"]+)">${label}[<]`).exec(html);
  return m ? { href: m[2].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'), sort: m[1] } : undefined;
}

describeEachEngine('GET /cases: sortable column heads that keep the filters in the URL', (ctx) => {
  const { app } = testApp();

  it('GET /cases, filtered, offers column heads whose links keep the search and filters and sort by that column', async () => {
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const tag = marker();
    const tx = await makeCase(ctx.db.knex, { payload: { title: `Case ${tag}`, jurisdiction: 'TX' } });
    const ak = await makeCase(ctx.db.knex, { payload: { title: `Case ${tag}`, jurisdiction: 'AK' } });
    const res = await director.get(`/cases?q=${tag}&status=new`);
    assert.equal(res.status, 200);
    // The default sort is the newest first: Submitted says so, and its link turns it around.
    assert.deepEqual(head(res.text, 'Submitted')?.sort, 'descending');
    const submitted = new URL(head(res.text, 'Submitted')?.href ?? '', 'http://x');
    assert.deepEqual(
      [submitted.searchParams.get('q'), submitted.searchParams.getAll('status'), submitted.searchParams.get('sort')],
      [tag, ['new'], 'submitted_asc'],
    );
    const state = head(res.text, 'State');
    assert.ok(state && !state.sort, 'State is offered, not the sort yet');
    const byState = await director.get(state.href);
    assert.deepEqual(listedCaseIds(byState.text), [ak.id, tx.id]);
    assert.equal(head(byState.text, 'State')?.sort, 'ascending');
    assert.match(byState.text, /<option value="jurisdiction_asc" selected>/);
  });
});
