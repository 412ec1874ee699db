import assert from 'node:assert/strict';
import { ENGAGEMENT_STATUSES } from '../../server/schemas/engagement.schemas';
import { stateHistory } from '../../server/services/state.service';
import { testApp } from '../helpers/app';
import { Agent, makeUser, signInAs } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { Raw, loadRaw } from '../helpers/reports-raw';
import { Shape, generateReportData } from '../helpers/reports-generate';
import { calendarDate, readStatePage } from '../helpers/reports-pages';
import { hours, recountState } from '../helpers/reports-recount';

const SHAPE: Shape = {
  seed: 51,
  cases: 70,
  engagements: 280,
  consultants: 5,
  codes: ['OH', 'KY', 'MI', 'DC', 'PR', 'GU'],
  extraCodes: ['OH', 'VI', 'NM', 'DC', 'PR', 'MA'],
  neverServedCodes: ['WY'],
  multi: 0.45,
  cancelled: 0.15,
  scheduled: 0.1,
  from: '2016-06-01',
  now: '2025-11-01T15:00:00.000Z',
};

const splitList = (text: string | null | undefined) => (text ? String(text).split('; ').sort() : []);

describeEachEngine('State pages on generated data', (ctx) => {
  let raw: Raw;
  let agent: Agent;

  before(async function () {
    this.timeout(60_000);
    await generateReportData(ctx.db.knex, SHAPE);
    raw = await loadRaw(ctx.db.knex);
    const { app } = testApp();
    agent = await signInAs(app, await makeUser({ role: 'director' }));
  });

  it('stateHistory, for every jurisdiction, gives first and last served date, totals, cases and engagements equal to a recount', async () => {
    let withOthers = 0;
    for (const j of raw.jurisdictions) {
      const expected = recountState(raw, j.code);
      const history = await stateHistory({ role: 'director' }, j.code);
      assert.ok(history, j.code);
      assert.deepStrictEqual(history.served, expected.served, `${j.code} served`);
      assert.deepStrictEqual(history.totals, expected.totals, `${j.code} totals`);
      assert.deepStrictEqual(
        history.engagements.map((e: Record<string, unknown>) => Number(e.id)),
        expected.engagements.map((e) => e.id),
        `${j.code} engagements, in date order`,
      );
      for (const e of history.engagements as Record<string, unknown>[]) {
        const r = expected.engagements.find((x) => x.id === Number(e.id));
        assert.ok(r);
        assert.equal(e.status, r.status);
        assert.equal(e.counts, r.status === 'delivered');
        assert.equal(e.hours, hours(r.minutes));
        assert.deepStrictEqual(splitList(e.jurisdictions as string), [...r.jurisdictions].sort());
      }
      assert.deepStrictEqual(
        history.cases.map((c: { id: unknown }) => Number(c.id)),
        expected.cases.map((c) => c.id),
        `${j.code} cases`,
      );
      assert.deepStrictEqual(
        new Map(history.consultants.map((c: { id: unknown; engagements: number }) => [Number(c.id), c.engagements])),
        expected.consultants,
        `${j.code} consultants`,
      );
      if (expected.engagements.some((e) => raw.caseById.get(e.case_id)?.jurisdiction_code !== j.code)) withOthers += 1;
    }
    assert.ok(withOthers >= 3, 'several jurisdictions are listed by engagements of other jurisdictions’ cases');
  });

  for (const code of ['OH', 'DC', 'PR', 'VI', 'WY', 'ME']) {
    it(`GET /states/${code}, on generated data, shows the served dates, totals, every case and every engagement listing it, equal to a recount`, async () => {
      const expected = recountState(raw, code);
      const res = await agent.get(`/states/${code}`);
      assert.equal(res.status, 200);
      const shown = readStatePage(res.text);
      if (expected.served) {
        assert.deepStrictEqual(shown.served, { first: calendarDate(expected.served.first), last: calendarDate(expected.served.last) });
      } else {
        assert.equal(shown.served, undefined);
        assert.ok(shown.notServed, 'the page says it is not served yet');
      }
      assert.deepStrictEqual(shown.totals, expected.totals);
      assert.deepStrictEqual(
        shown.engagements.map((e) => ({
          date: e.date,
          caseId: e.caseId,
          status: e.status,
          jurisdictions: e.jurisdictions.split('; ').sort(),
          hours: e.hours,
          participants: e.participants,
        })),
        expected.engagements.map((e) => ({
          date: calendarDate(e.date),
          caseId: e.case_id,
          status: ENGAGEMENT_STATUSES[e.status as keyof typeof ENGAGEMENT_STATUSES],
          jurisdictions: [...e.jurisdictions].sort(),
          hours: hours(e.minutes),
          participants: e.participants,
        })),
      );
      assert.deepStrictEqual(
        shown.cases.map((c) => c.reference),
        expected.cases.map((c) => c.reference),
      );
    });
  }

  it('GET /states/WY, listed only by scheduled and cancelled engagements, shows them but counts none', async () => {
    const expected = recountState(raw, 'WY');
    assert.ok(expected.engagements.length > 0, 'the data lists WY on some engagements');
    assert.ok(expected.engagements.every((e) => e.status !== 'delivered'));
    const shown = readStatePage((await agent.get('/states/WY').expect(200)).text);
    assert.equal(shown.engagements.length, expected.engagements.length);
    assert.deepStrictEqual(shown.totals, { engagements: 0, hours: 0, participants: 0 });
    assert.ok(shown.notServed);
  });

  it('GET /states/oh, in lower case, shows the same page as /states/OH', async () => {
    const lower = readStatePage((await agent.get('/states/oh').expect(200)).text);
    const upper = readStatePage((await agent.get('/states/OH').expect(200)).text);
    assert.deepStrictEqual(lower, upper);
  });

  for (const code of ['ZZ', 'XX', 'OHIO', '1']) {
    it(`GET /states/${code}, an unknown code, answers 404`, async () => {
      const res = await agent.get(`/states/${code}`);
      assert.equal(res.status, 404);
    });
  }
});
