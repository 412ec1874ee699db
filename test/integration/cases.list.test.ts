import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { StaffClient, TestCase, listedCaseIds, makeCase, marker, pageLinks, staffClient } from '../helpers/cases';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** The table rows of a list page, each with its text. */
const rowsOf = (html: string) => (html.split('<tbody>')[1] ?? '').split('</tbody>')[0].split('<tr>').slice(1);

/** The query string of a link, as URLSearchParams. */
const paramsOf = (href: string | undefined) => {
  assert.ok(href, 'the link is missing');
  const url = new URL(href, 'http://leep.test');
  assert.equal(url.pathname, '/cases');
  return url.searchParams;
};

describeEachEngine('GET /cases: filters, search, sort and pages', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** A case whose title carries the test's marker, so that the test can find its own cases. */
  const tagged = (tag: string, options: Parameters<typeof makeCase>[1] = {}) =>
    makeCase(ctx.db.knex, { ...options, payload: { title: `Case ${tag}`, ...options.payload } });

  const ids = (...cases: TestCase[]) => cases.map((c) => c.id).sort((a, b) => a - b);
  const listed = async (query: string) => {
    const res = await director.get(`/cases?${query}`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    return { res, ids: listedCaseIds(res.text) };
  };
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);

  describe('filters', () => {
    it('GET /cases, filtered by two statuses, lists the cases in either and ticks both boxes', async () => {
      const tag = marker();
      const fresh = await tagged(tag);
      await tagged(tag, { status: 'assigned' });
      await tagged(tag, { status: 'in_progress' });
      const done = await tagged(tag, { status: 'completed' });
      const { res, ids: got } = await listed(`q=${tag}&status=new&status=completed`);
      assert.deepEqual(sorted(got), ids(fresh, done));
      assert.match(res.text, /id="filter-status-new" type="checkbox" name="status" value="new" checked/);
      assert.match(res.text, /id="filter-status-completed" type="checkbox" name="status" value="completed" checked/);
      assert.doesNotMatch(res.text, /value="assigned" checked/);
    });

    it('GET /cases, filtered by a jurisdiction (in any case of letters), lists only that state', async () => {
      const tag = marker();
      const vt = await tagged(tag, { payload: { jurisdiction: 'VT' } });
      await tagged(tag, { payload: { jurisdiction: 'OH' } });
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=VT`)).ids, [vt.id]);
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=vt`)).ids, [vt.id]);
    });

    it('GET /cases, filtered by a track, lists only that track', async () => {
      const tag = marker();
      await tagged(tag, { payload: { track: 'ta' } });
      const network = await tagged(tag, { payload: { track: 'network' } });
      await tagged(tag, { payload: { track: 'cohort' } });
      assert.deepEqual((await listed(`q=${tag}&track=network`)).ids, [network.id]);
    });

    it('GET /cases, filtered by a topic, lists only the cases with that topic among theirs', async () => {
      const tag = marker();
      const early = await tagged(tag, { payload: { topics: ['equity-lens', 'early-learning'] } });
      await tagged(tag, { payload: { topics: ['equity-lens'] } });
      const onlyEarly = await tagged(tag, { payload: { topics: ['early-learning'] } });
      assert.deepEqual(sorted((await listed(`q=${tag}&topic=early-learning`)).ids), ids(early, onlyEarly));
    });

    it('GET /cases, filtered by a consultant, lists the cases they lead or support', async () => {
      const consultant = await makeUser();
      const other = await makeUser();
      const leads = await makeCase(ctx.db.knex, { status: 'assigned', leadId: consultant.id });
      const supports = await makeCase(ctx.db.knex, { status: 'in_progress', leadId: other.id, supporterIds: [consultant.id] });
      await makeCase(ctx.db.knex, { status: 'assigned', leadId: other.id });
      assert.deepEqual(sorted((await listed(`consultant=${consultant.id}`)).ids), ids(leads, supports));
    });

    it('GET /cases, filtered to overdue, lists the new cases submitted more than five business days ago and flags them', async () => {
      const tag = marker();
      const late = await tagged(tag, { submittedAt: daysAgo(20) });
      const recent = await tagged(tag, { submittedAt: daysAgo(1) });
      const lateButAssigned = await tagged(tag, { submittedAt: daysAgo(20), status: 'assigned' });
      const { res, ids: got } = await listed(`q=${tag}&overdue=1`);
      assert.deepEqual(got, [late.id]);
      assert.match(res.text, /id="filter-overdue" type="checkbox" name="overdue" value="1" checked/);
      const all = (await listed(`q=${tag}`)).res.text;
      const rowFor = (c: TestCase) => rowsOf(all).find((r) => r.includes(`href="/cases/${c.id}"`)) ?? '';
      assert.match(rowFor(late), /Overdue/);
      assert.doesNotMatch(rowFor(recent), /Overdue/);
      assert.doesNotMatch(rowFor(lateButAssigned), /Overdue/);
    });

    it('GET /cases, with two filters together, lists only the cases that meet both', async () => {
      const tag = marker();
      const both = await tagged(tag, { payload: { jurisdiction: 'VT' } });
      await tagged(tag, { payload: { jurisdiction: 'VT' }, status: 'declined' });
      await tagged(tag, { payload: { jurisdiction: 'OH' } });
      assert.deepEqual((await listed(`q=${tag}&jurisdiction=VT&status=new`)).ids, [both.id]);
    });

    it('GET /cases, with filter values it does not know (a status, a sort, a page, a consultant id out of range), ignores them', async () => {
      const tag = marker();
      const a = await tagged(tag, { submittedAt: daysAgo(2) });
      const b = await tagged(tag, { submittedAt: daysAgo(1) });
      for (const query of [
        `status=bogus`,
        `status=toString`,
        `sort=bogus`,
        `sort=constructor`,
        `sort=__proto__`,
        `page=abc`,
        `page=-3`,
        `consultant=abc`,
        `consultant=99999999999`,
        `jurisdiction=Ohio`,
      ]) {
        assert.deepEqual((await listed(`q=${tag}&${query}`)).ids, [b.id, a.id], query);
      }
    });
  });

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

      const second = await director.get(links1.next as string);
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

describeEachEngine('GET /cases/triage', (ctx) => {
  const { app } = testApp();

  it('GET /cases/triage, as a director, lists only new cases, oldest first, and flags those past the target', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const lead = await makeUser();
    const oldest = await makeCase(knex, { submittedAt: daysAgo(30) });
    const recent = await makeCase(knex, { submittedAt: new Date(Date.now() - 60_000) });
    const older = await makeCase(knex, { submittedAt: daysAgo(10) });
    const assigned = await makeCase(knex, { submittedAt: daysAgo(40), status: 'assigned', leadId: lead.id });
    const declined = await makeCase(knex, { submittedAt: daysAgo(50), status: 'declined' });

    const res = await director.get('/cases/triage');
    assert.equal(res.status, 200);
    const rows = rowsOf(res.text).map((r) => ({ ref: /data-label="Reference">([^<]+)</.exec(r)?.[1], overdue: /Overdue/.test(r) }));
    assert.deepEqual(rows, [
      { ref: oldest.reference, overdue: true },
      { ref: older.reference, overdue: true },
      { ref: recent.reference, overdue: false },
    ]);
    assert.doesNotMatch(res.text, new RegExp(assigned.reference));
    assert.doesNotMatch(res.text, new RegExp(declined.reference));
    assert.match(res.text, /2 requests are past the target/);
    assert.match(res.text, new RegExp(`href="/cases/${oldest.id}#assignment"`));
  });

  it('GET /cases/triage, with more than 25 new cases, pages them and counts every overdue one', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const waiting = Number((await knex('cases').where({ status: 'new' }).count({ n: '*' }))[0].n);
    const late = Number(
      (
        await knex('cases')
          .where({ status: 'new' })
          .andWhere('submitted_at', '<', new Date(Date.now() - 8 * DAY).toISOString())
          .count({ n: '*' })
      )[0].n,
    );
    // 27 more new cases, all waiting well past the target (20 to 46 days).
    for (let i = 0; i < 27; i += 1) await makeCase(knex, { submittedAt: daysAgo(20 + i) });
    const total = waiting + 27;
    const first = await director.get('/cases/triage');
    assert.equal(first.status, 200);
    assert.equal(rowsOf(first.text).length, 25);
    assert.match(first.text, new RegExp(`Showing 1–25 of ${total} new requests`));
    assert.match(first.text, new RegExp(`${late + 27} requests are past the target`));
    const next = pageLinks(first.text).next;
    assert.equal(next, '/cases/triage?page=2');
    const second = await director.get(next);
    assert.equal(rowsOf(second.text).length, total - 25);
    assert.equal(pageLinks(second.text).prev, '/cases/triage?page=1');
  });

  it('GET /cases/triage, once a case is assigned, no longer lists it', async () => {
    const knex = ctx.db.knex;
    const director = await staffClient(app, await makeUser({ role: 'director' }));
    const lead = await makeUser();
    const kase = await makeCase(knex);
    // The newest request is on the last page (a page past the last shows the last).
    assert.match((await director.get('/cases/triage?page=999')).text, new RegExp(kase.reference));
    assert.equal((await director.post(`/cases/${kase.id}/assignment`, { lead_consultant_id: String(lead.id) })).status, 303);
    assert.doesNotMatch((await director.get('/cases/triage?page=999')).text, new RegExp(kase.reference));
  });
});
