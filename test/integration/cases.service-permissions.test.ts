import assert from 'node:assert/strict';
import { ForbiddenError, NotFoundError } from '../../server/errors';
import { assignConsultants, setPriority } from '../../server/services/case-assignment.service';
import { editCase } from '../../server/services/case-edit.service';
import { type Staff, changeStatus } from '../../server/services/case.service';
import { addNote, receiveRequesterMessage, sendMessage } from '../../server/services/case-messages.service';
import type { CaseStatus } from '../../server/vocabulary';
import { makeUser } from '../helpers/auth';
import { caseRow, countFor, makeCase } from '../helpers/cases';
import { describeEachEngine } from '../helpers/db';
import { requestPayload } from '../helpers/factories';

/**
 * The services check what the actor may do themselves, whoever calls them (the web, the API, the
 * CLI): called directly, with an actor who may not, they refuse as the web does and write nothing.
 */
describeEachEngine('Case services check the actor themselves', (ctx) => {
  let director: Staff;
  let lead: Staff;
  let outsider: Staff;

  before(async () => {
    director = { id: (await makeUser({ role: 'director' })).id, role: 'director' };
    lead = { id: (await makeUser()).id, role: 'consultant' };
    outsider = { id: (await makeUser()).id, role: 'consultant' };
  });

  const refusalsBy = async (user: Staff) =>
    (await ctx.db.knex('audit_events').where({ action: 'access.refused', actor_user_id: user.id }).orderBy('id')).map((r) => ({
      subject: r.subject as string,
      detail: JSON.parse(r.detail_json as string) as unknown,
    }));

  /** Everything an action could have written for the case: its row and its rows elsewhere. */
  const stateOf = async (caseId: number) => ({
    row: await caseRow(ctx.db.knex, caseId),
    notes: await countFor(ctx.db.knex, 'case_notes', caseId),
    messages: await countFor(ctx.db.knex, 'case_messages', caseId),
    events: await countFor(ctx.db.knex, 'case_events', caseId),
    supporters: await countFor(ctx.db.knex, 'case_supporters', caseId),
  });

  const ledCase = () => makeCase(ctx.db.knex, { status: 'in_progress', leadId: lead.id });

  for (const [name, act, form] of [
    ['addNote', (id: number, actor: Staff) => addNote(id, { body: 'A note from outside' }, actor), 'notes'],
    ['sendMessage', (id: number, actor: Staff) => sendMessage(id, { body: 'A message from outside' }, actor), 'messages'],
    ['changeStatus', (id: number, actor: Staff) => changeStatus(id, { to: 'on_hold', reason: 'From outside' }, actor), 'status'],
  ] as const) {
    it(`${name}, for a consultant not on the case, throws NotFoundError, writes nothing and audits the refusal`, async () => {
      const kase = await ledCase();
      const before = await stateOf(kase.id);
      const audits = (await refusalsBy(outsider)).length;
      await assert.rejects(act(kase.id, outsider), NotFoundError);
      assert.deepEqual(await stateOf(kase.id), before);
      assert.deepEqual((await refusalsBy(outsider)).slice(audits), [{ subject: `/cases/${kase.id}/${form}`, detail: { status: 404 } }]);
    });

    it(`${name}, for a case that does not exist, throws NotFoundError`, async () => {
      await assert.rejects(act(987_654, director), NotFoundError);
    });
  }

  it('addNote and sendMessage, for the lead consultant, store the note and the message (the same call, with access)', async () => {
    const kase = await ledCase();
    await addNote(kase.id, { body: 'Called the board office' }, lead);
    await sendMessage(kase.id, { body: 'We will meet on Tuesday' }, lead);
    assert.equal(await countFor(ctx.db.knex, 'case_notes', kase.id), 1);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 1);
  });

  for (const [name, act] of [
    ['assignConsultants', (id: number, actor: Staff) => assignConsultants(id, { lead_consultant_id: actor.id }, actor)],
    ['setPriority', (id: number, actor: Staff) => setPriority(id, { priority: 'high' }, actor)],
    ['editCase', (id: number, actor: Staff) => editCase(id, requestPayload({ title: 'Changed by a consultant' }), actor)],
  ] as const) {
    it(`${name}, for a consultant (even the case's lead), throws ForbiddenError and changes nothing`, async () => {
      const kase = await ledCase();
      const before = await stateOf(kase.id);
      await assert.rejects(act(kase.id, lead), ForbiddenError);
      assert.deepEqual(await stateOf(kase.id), before);
    });
  }

  for (const status of ['declined', 'withdrawn', 'completed'] as CaseStatus[]) {
    it(`sendMessage and receiveRequesterMessage, on a ${status} request, store both messages and leave it ${status}`, async () => {
      const kase = await makeCase(ctx.db.knex, { status, leadId: lead.id });
      await sendMessage(kase.id, { body: 'Writing after closing' }, director);
      await receiveRequesterMessage(kase.statusPath.replace('/status/', ''), { body: 'Please reconsider' });
      const kinds = (await ctx.db.knex('case_messages').where({ case_id: kase.id }).orderBy('id')).map((m) => m.author_kind as string);
      assert.deepEqual(kinds, ['staff', 'requester']);
      assert.equal((await caseRow(ctx.db.knex, kase.id)).status, status);
    });
  }

  it('receiveRequesterMessage, for a link that matches no request, throws NotFoundError and stores nothing', async () => {
    const kase = await makeCase(ctx.db.knex);
    await assert.rejects(receiveRequesterMessage('A'.repeat(43), { body: 'Hello' }), NotFoundError);
    assert.equal(await countFor(ctx.db.knex, 'case_messages', kase.id), 0);
  });
});
