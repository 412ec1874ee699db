import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { StaffClient, addEngagement, listedCaseIds, makeCase, staffClient } from '../helpers/cases';

/** A made-up word no other test writes: letters only, so every engine reads it as one word. */
const word = (prefix: string) =>
  `${prefix}${crypto
    .randomBytes(4)
    .toString('hex')
    .replace(/\d/g, (d) => 'qwrtyzxvbn'[Number(d)])}`;

describeEachEngine('GET /cases: full-text search of summaries, notes and consultants', (ctx) => {
  const { app } = testApp();
  let director: StaffClient;

  before(async () => {
    director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  const listed = async (client: StaffClient, q: string) => {
    const res = await client.get(`/cases?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    return { res, ids: listedCaseIds(res.text) };
  };

  async function noteOn(caseId: number, authorId: number, body: string) {
    await ctx.db.knex('case_notes').insert({ case_id: caseId, author_user_id: authorId, body, created_at: new Date().toISOString() });
  }

  it('GET /cases, searching a word of an engagement summary, finds its case and shows the match marked', async () => {
    const w = word('absentee');
    const kase = await makeCase(ctx.db.knex);
    await makeCase(ctx.db.knex);
    const engagementId = await addEngagement(ctx.db.knex, kase.id);
    await ctx.db
      .knex('engagements')
      .where({ id: engagementId })
      .update({ summary: `We looked at chronic ${w} rates with the board.` });
    const { res, ids } = await listed(director, w);
    assert.deepEqual(ids, [kase.id]);
    assert.match(res.text, new RegExp(`In an engagement summary: [^<]*<mark>${w}</mark>`));
  });

  it('GET /cases, searching the start of a word in a note, finds the case, and not once the note is gone', async () => {
    const w = word('literacy');
    const kase = await makeCase(ctx.db.knex);
    await noteOn(kase.id, director.user.id, `Call the ${w} coach before Friday.`);
    const { res, ids } = await listed(director, `${w.slice(0, -2).toUpperCase()}`);
    assert.deepEqual(ids, [kase.id]);
    assert.match(res.text, /In an internal note: /);
    await ctx.db.knex('case_notes').where({ case_id: kase.id }).delete();
    assert.deepEqual((await listed(director, w)).ids, []);
  });

  it('GET /cases, searching two words, finds only the texts that hold both', async () => {
    const [a, b] = [word('alpha'), word('beta')];
    const both = await makeCase(ctx.db.knex);
    const one = await makeCase(ctx.db.knex);
    await noteOn(both.id, director.user.id, `${b} and then ${a}`);
    await noteOn(one.id, director.user.id, `only ${a}`);
    assert.deepEqual((await listed(director, `${a} ${b}`)).ids, [both.id]);
  });

  it("GET /cases, searching a consultant's name, finds the cases they lead, support or took part in, and follows a renamed consultant", async () => {
    const surname = word('Okonkwo');
    const consultant = await makeUser({ role: 'consultant', name: `Adaeze ${surname}` });
    const led = await makeCase(ctx.db.knex, { leadId: consultant.id, status: 'assigned' });
    const supported = await makeCase(ctx.db.knex, { supporterIds: [consultant.id] });
    const visited = await makeCase(ctx.db.knex);
    const engagementId = await addEngagement(ctx.db.knex, visited.id);
    await ctx.db.knex('engagement_consultants').insert({ engagement_id: engagementId, user_id: consultant.id });
    await makeCase(ctx.db.knex);
    const { res, ids } = await listed(director, surname);
    assert.deepEqual(
      [...ids].sort((x, y) => x - y),
      [led.id, supported.id, visited.id].sort((x, y) => x - y),
    );
    assert.match(res.text, new RegExp(`Consultant: Adaeze <mark>${surname}</mark>`));
    const renamed = word('Eze');
    await ctx.db
      .knex('users')
      .where({ id: consultant.id })
      .update({ name: `Adaeze ${renamed}` });
    assert.deepEqual((await listed(director, surname)).ids, []);
    assert.equal((await listed(director, renamed)).ids.length, 3);
  });

  it('GET /cases, for a consultant, finds a note only on their own cases', async () => {
    const w = word('budget');
    const consultant = await makeUser({ role: 'consultant' });
    const mine = await makeCase(ctx.db.knex, { leadId: consultant.id, status: 'assigned' });
    const other = await makeCase(ctx.db.knex);
    await noteOn(mine.id, director.user.id, `The ${w} is due.`);
    await noteOn(other.id, director.user.id, `The ${w} is late.`);
    const client = await staffClient(app, consultant);
    const { res, ids } = await listed(client, w);
    assert.deepEqual(ids, [mine.id]);
    assert.ok(!res.text.includes('is late'), "the other case's note is not shown");
    assert.deepEqual(
      [...(await listed(director, w)).ids].sort((x, y) => x - y),
      [mine.id, other.id].sort((x, y) => x - y),
    );
  });

  it('GET /cases, searching punctuation or full-text operators, answers 200 and treats them as text', async () => {
    for (const q of ['"', "'", '*', 'AND OR NOT', 'NEAR(a b)', '-x', ':*', '&|!']) {
      const res = await director.get(`/cases?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
  });
});
