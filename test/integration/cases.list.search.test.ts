// Searching the case list: by reference, requester or title in any letter case, with % and _ taken
// literally, and the search text kept in the box.
import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { makeCase, marker } from '../helpers/cases';
import { caseList } from '../helpers/cases-list';

describeEachEngine('GET /cases: filters, search, sort and pages', (ctx) => {
  const { tagged, listed } = caseList(ctx);

  describe('search', () => {
    it('GET /cases, searching a reference in lower case, finds that case', async () => {
      const kase = await makeCase(ctx.db.knex);
      assert.deepEqual((await listed(`q=${kase.reference.toLowerCase()}`)).ids, [kase.id]);
    });

    it("GET /cases, searching the requester's name in other letter case, finds their case", async () => {
      const tag = marker('req');
      const kase = await makeCase(ctx.db.knex, { payload: { name: `Zelda Quartermaine ${tag}`, title: 'Budget plan' } });
      await makeCase(ctx.db.knex, { payload: { title: `Zelda Quartermaine` } });
      assert.deepEqual((await listed(`q=${encodeURIComponent(`zelda QUARTERMAINE ${tag}`)}`)).ids, [kase.id]);
    });

    it('GET /cases, searching a word of the title in other letter case, finds the case', async () => {
      const tag = marker('ttl');
      const kase = await makeCase(ctx.db.knex, { payload: { title: `Equity Roadmap ${tag}` } });
      assert.deepEqual((await listed(`q=${encodeURIComponent(`equity ROADMAP ${tag.toUpperCase()}`)}`)).ids, [kase.id]);
    });

    it('GET /cases, searching for text with % or _, takes them literally', async () => {
      const tag = marker();
      const percent = await tagged(tag, { payload: { title: `Growth 100% ${tag}` } });
      await tagged(tag, { payload: { title: `Growth 1000 ${tag}` } });
      const underscore = await tagged(tag, { payload: { title: `Plan a_b ${tag}` } });
      await tagged(tag, { payload: { title: `Plan axb ${tag}` } });
      const backslash = await tagged(tag, { payload: { title: `Folder c:\\x ${tag}` } });
      await tagged(tag, { payload: { title: `Folder c:x ${tag}` } });
      assert.deepEqual((await listed(`q=${encodeURIComponent(`100% ${tag}`)}`)).ids, [percent.id]);
      assert.deepEqual((await listed(`q=${encodeURIComponent(`a_b ${tag}`)}`)).ids, [underscore.id]);
      assert.deepEqual((await listed(`q=${encodeURIComponent(`c:\\x ${tag}`)}`)).ids, [backslash.id]);
    });

    it('GET /cases, searching for text nobody wrote, says no case matches', async () => {
      const { res, ids: got } = await listed(`q=${marker('none')}`);
      assert.deepEqual(got, []);
      assert.match(res.text, /No cases match/);
    });

    it('GET /cases, searching, keeps the search text in the box, escaped', async () => {
      const { res } = await listed(`q=${encodeURIComponent('"><b>x')}`);
      assert.match(res.text, /id="case-search" type="search" name="q" value="&quot;&gt;&lt;b&gt;x"/);
    });
  });
});
