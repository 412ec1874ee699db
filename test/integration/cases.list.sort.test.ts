// Sorting the case list: newest first by default, and each sort's own order.
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { marker } from '../helpers/cases';
import { caseList, daysAgo } from '../helpers/cases-list';

describeEachEngine('GET /cases: filters, search, sort and pages', (ctx) => {
  const { tagged, listed } = caseList(ctx);

  describe('sort', () => {
    // Three cases made A, B, C (so references ascend in that order) with fields chosen so that
    // each sort gives a different order of the three.
    async function three() {
      const tag = marker();
      const a = await tagged(tag, {
        submittedAt: daysAgo(3),
        status: 'in_progress',
        payload: { jurisdiction: 'TX', preferred_start: '2027-01-01', deadline: '2027-03-01' },
      });
      const b = await tagged(tag, {
        submittedAt: daysAgo(1),
        status: 'on_hold',
        payload: { jurisdiction: 'OH', preferred_start: '2027-01-01', deadline: '2027-01-15' },
      });
      const c = await tagged(tag, {
        submittedAt: daysAgo(2),
        status: 'assigned',
        payload: { jurisdiction: 'AK', preferred_start: undefined, deadline: undefined },
      });
      return { tag, a: a.id, b: b.id, c: c.id };
    }

    it('GET /cases, with no sort, lists the newest submission first', async () => {
      const { tag, a, b, c } = await three();
      assert.deepEqual((await listed(`q=${tag}`)).ids, [b, c, a]);
    });

    for (const [sort, order] of [
      ['submitted_desc', 'bca'],
      ['submitted_asc', 'acb'],
      ['reference_asc', 'abc'],
      ['deadline_asc', 'bac'],
      ['status_asc', 'cab'],
      ['jurisdiction_asc', 'cba'],
    ]) {
      it(`GET /cases, sorted by ${sort}, lists the cases in that order${sort === 'deadline_asc' ? ', those without a deadline last' : ''}`, async () => {
        const t = await three();
        const expected = [...order].map((k) => t[k as 'a' | 'b' | 'c']);
        const { res, ids: got } = await listed(`q=${t.tag}&sort=${sort}`);
        assert.deepEqual(got, expected);
        assert.match(res.text, new RegExp(`<option value="${sort}" selected>`));
      });
    }
  });
});
