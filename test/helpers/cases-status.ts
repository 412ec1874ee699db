import assert from 'node:assert/strict';
import { testApp } from './app';
import { makeUser, TestUser } from './auth';
import type { TestDatabase } from './db';
import { StaffClient, addEngagement, eventsOf, makeCase, staffClient } from './cases';
import type { CaseStatus } from '../../server/vocabulary';

/**
 * What the status-machine tests share (inside a describeEachEngine): a director and a lead
 * consultant, each signed in before the tests (in `people`), and cases in a given status.
 */
export function statusMachine(ctx: { db: TestDatabase }) {
  const { app } = testApp();
  const people = {} as { director: StaffClient; lead: TestUser; leadClient: StaffClient };

  before(async () => {
    people.director = await staffClient(app, await makeUser({ role: 'director' }));
    people.lead = await makeUser({ role: 'consultant' });
    people.leadClient = await staffClient(app, people.lead);
  });

  /** A case in the given status, led by `lead`, with a delivered engagement when it has been worked on. */
  async function caseIn(status: CaseStatus) {
    const worked = ['in_progress', 'on_hold', 'completed'].includes(status);
    const kase = await makeCase(ctx.db.knex, { status, leadId: status === 'new' ? undefined : people.lead.id });
    if (worked) await addEngagement(ctx.db.knex, kase.id);
    return kase;
  }

  /** Asserts the move left exactly one new event, a status change from `from` to `to`, and returns it. */
  async function oneStatusEvent(caseId: number, since: number, from: CaseStatus, to: CaseStatus, actorId: number) {
    const events = await eventsOf(ctx.db.knex, caseId, since);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['case.status_changed'],
    );
    assert.equal(events[0].before?.status, from);
    assert.equal(events[0].after?.status, to);
    assert.equal(events[0].actor_kind, 'staff');
    assert.equal(events[0].actor_user_id, actorId);
    return events[0];
  }

  return { app, people, caseIn, oneStatusEvent };
}
