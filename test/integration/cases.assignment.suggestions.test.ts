import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { inputValues, makeCase, staffClient } from '../helpers/cases';

describeEachEngine('GET /cases/:id: assignment suggestions', (ctx) => {
  const { app } = testApp();

  it('GET /cases/:id, as a director, lists the lead choices in the suggested order with their reasons, and no directors', async () => {
    const knex = ctx.db.knex;
    const topicId = async (slug: string) => Number((await knex('topics').where({ slug }).first('id')).id);
    const [equity, governance, climate] = [
      await topicId('equity-lens'),
      await topicId('board-governance'),
      await topicId('school-climate'),
    ];
    const director = await makeUser({ role: 'director', name: 'Aaron Director', topicIds: [equity, governance] });
    const c = {
      avery: await makeUser({ name: 'Avery Full', capacity: 1, topicIds: [equity, governance] }),
      harper: await makeUser({ name: 'Harper None', topicIds: [climate] }),
      devon: await makeUser({ name: 'Devon Busy', topicIds: [equity] }),
      zane: await makeUser({ name: 'Zane Idle', topicIds: [governance] }),
      finley: await makeUser({ name: 'Finley Idle', topicIds: [equity] }),
      emery: await makeUser({ name: 'Emery Idle', topicIds: [equity, climate] }),
      casey: await makeUser({ name: 'Casey Local', topicIds: [governance] }),
      blake: await makeUser({ name: 'Blake Expert', topicIds: [equity, governance] }),
    };
    await makeUser({ name: 'Ivy Inactive', active: false, topicIds: [equity, governance] });
    // Open cases led: Avery 1 of 1 (full), Devon 1 of 5, Casey 1 of 5 (in Vermont), Blake 2 of 5.
    await makeCase(knex, { payload: { jurisdiction: 'OH' }, status: 'assigned', leadId: c.avery.id });
    await makeCase(knex, { payload: { jurisdiction: 'OH' }, status: 'in_progress', leadId: c.devon.id });
    await makeCase(knex, { payload: { jurisdiction: 'VT' }, status: 'assigned', leadId: c.casey.id });
    await makeCase(knex, { payload: { jurisdiction: 'OH' }, status: 'on_hold', leadId: c.blake.id });
    await makeCase(knex, { payload: { jurisdiction: 'TX' }, status: 'assigned', leadId: c.blake.id });
    // Earlier Vermont work: Casey supported a completed case (her second); Avery led three closed ones.
    await makeCase(knex, { payload: { jurisdiction: 'VT' }, status: 'completed', leadId: c.avery.id, supporterIds: [c.casey.id] });
    await makeCase(knex, { payload: { jurisdiction: 'VT' }, status: 'declined', leadId: c.avery.id });
    await makeCase(knex, { payload: { jurisdiction: 'VT' }, status: 'withdrawn', leadId: c.avery.id });
    // Closed cases elsewhere count for no one's load.
    await makeCase(knex, { payload: { jurisdiction: 'OH' }, status: 'completed', leadId: c.zane.id });

    const kase = await makeCase(knex, { payload: { jurisdiction: 'VT', topics: ['equity-lens', 'board-governance'] } });
    const client = await staffClient(app, director);
    const page = await client.get(`/cases/${kase.id}`);
    assert.equal(page.status, 200, page.text);

    const order = ['blake', 'casey', 'emery', 'finley', 'zane', 'devon', 'harper', 'avery'] as const;
    assert.deepEqual(
      inputValues(page.text, 'lead_consultant_id'),
      order.map((k) => String(c[k].id)),
    );
    assert.match(page.text, new RegExp(`for="lead-${c.blake.id}">Blake Expert <span class="usa-tag">Suggested</span>`));
    assert.equal((page.text.match(/<span class="usa-tag">Suggested<\/span>/g) ?? []).length, 1);

    const reasonsOf = (id: number) =>
      new RegExp(`for="lead-${id}">[\\s\\S]*?<span class="usa-checkbox__label-description">([^<]*)</span>`).exec(page.text)?.[1];
    assert.equal(
      reasonsOf(c.casey.id),
      'Expertise in Board governance and leadership. Worked with Vermont on 2 earlier cases. 1 of 5 open cases.',
    );
    assert.equal(
      reasonsOf(c.blake.id),
      'Expertise in Applying an equity lens to policy, Board governance and leadership. No earlier work with Vermont. 2 of 5 open cases.',
    );
    assert.equal(
      reasonsOf(c.avery.id),
      'Expertise in Applying an equity lens to policy, Board governance and leadership. Worked with Vermont on 3 earlier cases. 1 of 1 open cases (at capacity).',
    );
    assert.equal(reasonsOf(c.harper.id), 'No matching expertise. No earlier work with Vermont. 0 of 5 open cases.');

    // The director may still be chosen as a supporter, but is never suggested as lead.
    assert.ok(!inputValues(page.text, 'lead_consultant_id').includes(String(director.id)));
    assert.ok(inputValues(page.text, 'supporting_ids').includes(String(director.id)));
  });
});
