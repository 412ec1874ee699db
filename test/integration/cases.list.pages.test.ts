// The case list in pages of 25, with links that keep the filters.
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { listedCaseIds, marker, pageLinks } from '../helpers/cases';
import { caseList, daysAgo } from '../helpers/cases-list';

/** The query string of a link, as URLSearchParams. */
const paramsOf = (href: string | undefined) => {
  assert.ok(href, 'the link is missing');
  const url = new URL(href, 'http://leep.test');
  assert.equal(url.pathname, '/cases');
  return url.searchParams;
};

describeEachEngine('GET /cases: filters, search, sort and pages', (ctx) => {
  const { people, tagged, listed } = caseList(ctx);

  describe('pages', () => {
    it('GET /cases, with 27 matching cases, shows 25 on the first page and 2 on the second, with links that keep the filters', async () => {
      const tag = marker();
      const made: number[] = [];
      for (let i = 0; i < 27; i += 1) made.push((await tagged(tag, { status: i % 2 ? 'assigned' : 'new' })).id);
      await tagged(tag, { status: 'declined' });

      const first = await listed(`q=${tag}&status=new&status=assigned&sort=reference_asc`);
      assert.equal(first.ids.length, 25);
      assert.match(first.res.text, /Showing 1–25 of 27 cases/);
      assert.match(first.res.text, /Page 1 of 2/);
      const links1 = pageLinks(first.res.text);
      assert.equal(links1.prev, undefined);
      const next = paramsOf(links1.next);
      assert.equal(next.get('q'), tag);
      assert.deepEqual(next.getAll('status'), ['new', 'assigned']);
      assert.equal(next.get('sort'), 'reference_asc');
      assert.equal(next.get('page'), '2');

      const second = await people.director.get(links1.next as string);
      assert.equal(second.status, 200);
      const secondIds = listedCaseIds(second.text);
      assert.equal(secondIds.length, 2);
      assert.match(second.text, /Showing 26–27 of 27 cases/);
      const links2 = pageLinks(second.text);
      assert.equal(links2.next, undefined);
      const prev = paramsOf(links2.prev);
      assert.deepEqual(prev.getAll('status'), ['new', 'assigned']);
      assert.equal(prev.get('q'), tag);
      assert.equal(prev.get('page'), '1');

      assert.deepEqual([...first.ids, ...secondIds], made, 'every case once, in reference order');
    });

    it('GET /cases, with 25 matching cases, shows one page and no page links', async () => {
      const tag = marker();
      for (let i = 0; i < 25; i += 1) await tagged(tag);
      const { res, ids: got } = await listed(`q=${tag}`);
      assert.equal(got.length, 25);
      assert.match(res.text, /Page 1 of 1/);
      assert.deepEqual(pageLinks(res.text), { prev: undefined, next: undefined });
    });

    it('GET /cases, asking for a page past the last, shows the last page', async () => {
      const tag = marker();
      const a = await tagged(tag, { submittedAt: daysAgo(2) });
      const b = await tagged(tag, { submittedAt: daysAgo(1) });
      const { res, ids: got } = await listed(`q=${tag}&page=9`);
      assert.deepEqual(got, [b.id, a.id]);
      assert.match(res.text, /Showing 1–2 of 2 cases/);
    });
  });
});
