import assert from 'node:assert/strict';
import { testApp } from '../helpers/app';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import {
  assertNothingStored,
  checked,
  daysFromToday,
  engagementForm,
  errorNextTo,
  fieldValue,
  makeCase,
  postForm,
  staffAgent,
} from '../helpers/engagements';

describeEachEngine('The engagement form: the case topics offered first, participants needed only once delivered', (ctx) => {
  const { app, config } = testApp();

  it("GET /cases/:id/engagements/new checks the case's own topics", async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    const res = await agent.get(`/cases/${kase.id}/engagements/new`);
    assert.equal(res.status, 200);
    // requestPayload's topics: equity-lens and board-governance.
    assert.deepEqual(checked(res.text, 'topics').sort(), ['board-governance', 'equity-lens']);
  });

  it('POST /cases/:id/engagements, scheduled without a number of participants, stores it (as 0, not yet known) and the edit form shows the field empty', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    const res = await postForm(agent, `/cases/${kase.id}/engagements`, engagementForm([lead], { participant_count: '' }));
    assert.equal(res.status, 303, res.text.slice(0, 800));
    const row = await ctx.db.knex('engagements').where({ case_id: kase.id }).first();
    assert.equal(Number(row.participant_count), 0);
    const edit = await agent.get(`/engagements/${row.id}/edit`);
    assert.equal(fieldValue(edit.text, 'participant_count') ?? '', '');
  });

  it('POST /cases/:id/engagements, delivered without a number of participants, answers 422 with the message at the field and stores nothing', async () => {
    const lead = await makeUser();
    const kase = await makeCase(config, { lead });
    const agent = await staffAgent(app, lead);
    const res = await assertNothingStored(ctx.db.knex, () =>
      postForm(
        agent,
        `/cases/${kase.id}/engagements`,
        engagementForm([lead], { status: 'delivered', date: daysFromToday(-1), summary: 'Held.', participant_count: '' }),
      ),
    );
    assert.equal(res.status, 422);
    assert.match(errorNextTo(res.text, 'participant_count') ?? '', /Enter the number of participants to mark the engagement delivered/);
  });
});
