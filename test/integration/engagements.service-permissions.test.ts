import assert from 'node:assert/strict';
import { describeEachEngine } from '../helpers/db';
import { testApp } from '../helpers/app';
import { TestUser, makeUser } from '../helpers/auth';
import { ZONE, assertNothingStored, daysFromToday, makeCase, storeEngagement } from '../helpers/engagements';
import { makeCohort } from '../helpers/programs-cohorts';
import { ConflictError, NotFoundError } from '../../server/errors';
import {
  cancelEngagement,
  caseOpenForEngagements,
  createEngagement,
  deleteEngagement,
  engagementForUser,
  engagementToChange,
  updateEngagement,
} from '../../server/services/engagement.service';
import {
  cancelEngagementJson,
  caseForUserByReference,
  createEngagementJson,
  engagementJson,
  patchEngagementJson,
} from '../../server/services/engagement-api.service';
import { newEngagementForm } from '../../server/services/engagement-view.service';

/**
 * "Who may change this engagement" is the services' rule, whoever calls them (the web forms, the
 * API, the CLI): called directly, without any handler in front, they refuse an actor without
 * access to the case exactly as the pages do.
 */
describeEachEngine('Engagement services and their actor', (ctx) => {
  const { config } = testApp();
  const as = (u: TestUser) => ({ id: u.id, role: u.role });

  /** A case led by one consultant and supported by another, with one scheduled engagement; and a consultant not on it. */
  async function caseWithEngagement() {
    const lead = await makeUser({ role: 'consultant' });
    const supporter = await makeUser({ role: 'consultant' });
    const outsider = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, supporters: [supporter] });
    const engagementId = await storeEngagement(kase.id, lead, {});
    return { lead, supporter, outsider, kase, engagementId };
  }

  const payload = (consultant: TestUser, overrides: Record<string, unknown> = {}) => ({
    status: 'scheduled',
    date: daysFromToday(9),
    duration_minutes: 45,
    format: 'small_group',
    consultant_ids: [consultant.id],
    jurisdictions: ['OH'],
    ...overrides,
  });

  it('every engagement service, called for a consultant not on the case, throws NotFoundError and changes nothing', async () => {
    const { lead, outsider, kase, engagementId } = await caseWithEngagement();
    const who = as(outsider);
    const calls: [string, () => Promise<unknown>][] = [
      ['createEngagement', () => createEngagement(kase.id, payload(lead), who, { timeZone: ZONE })],
      ['updateEngagement', () => updateEngagement(engagementId, payload(lead), who, { timeZone: ZONE })],
      ['cancelEngagement', () => cancelEngagement(engagementId, who, ZONE)],
      ['deleteEngagement', () => deleteEngagement(engagementId, who, ZONE)],
      ['engagementForUser', () => engagementForUser(engagementId, who)],
      ['engagementToChange', () => engagementToChange(engagementId, who)],
      ['caseOpenForEngagements', () => caseOpenForEngagements(kase.id, who)],
      ['newEngagementForm', () => newEngagementForm(kase.id, who, {}, ZONE)],
      ['caseForUserByReference', () => caseForUserByReference(kase.reference, who)],
      ['engagementJson', () => engagementJson(engagementId, who)],
      ['createEngagementJson', () => createEngagementJson(kase.id, payload(lead), who, { timeZone: ZONE })],
      ['patchEngagementJson', () => patchEngagementJson(engagementId, { duration_minutes: 30 }, who, { timeZone: ZONE })],
      ['cancelEngagementJson', () => cancelEngagementJson(engagementId, who, ZONE)],
    ];
    await assertNothingStored(ctx.db.knex, async () => {
      for (const [name, call] of calls) await assert.rejects(call, NotFoundError, name);
    });
  });

  it('the same services, called for a supporting consultant of the case, do their work', async () => {
    const { lead, supporter, kase, engagementId } = await caseWithEngagement();
    const who = as(supporter);
    const added = await createEngagement(kase.id, payload(lead), who, { timeZone: ZONE });
    await updateEngagement(engagementId, payload(lead, { duration_minutes: 30 }), who, { timeZone: ZONE });
    assert.equal((await engagementForUser(engagementId, who)).duration_minutes, 30);
    assert.equal((await patchEngagementJson(engagementId, { duration_minutes: 50 }, who, { timeZone: ZONE })).duration_minutes, 50);
    assert.equal((await cancelEngagementJson(engagementId, who, ZONE)).status, 'cancelled');
    await deleteEngagement(added, who, ZONE);
    assert.equal(await ctx.db.knex('engagements').where({ id: added }).first(), undefined);
  });

  it("a program's meeting, for a director who may see it, may be cancelled but not changed or deleted (ConflictError), whoever calls", async () => {
    const director = await makeUser({ role: 'director' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(10) }] });
    const meeting = cohort.meetings[0].engagement_id;
    const who = as(director);
    await assertNothingStored(ctx.db.knex, async () => {
      await assert.rejects(() => engagementToChange(meeting, who), ConflictError);
      await assert.rejects(() => updateEngagement(meeting, payload(director), who, { timeZone: ZONE }), ConflictError);
      await assert.rejects(() => patchEngagementJson(meeting, { duration_minutes: 30 }, who, { timeZone: ZONE }), ConflictError);
      await assert.rejects(() => deleteEngagement(meeting, who, ZONE), ConflictError);
      await assert.rejects(() => createEngagement(cohort.caseId, payload(director), who, { timeZone: ZONE }), ConflictError);
    });
    assert.equal((await cancelEngagement(meeting, who, ZONE)).id, meeting);
    assert.equal((await engagementForUser(meeting, who)).status, 'cancelled');
  });
});
