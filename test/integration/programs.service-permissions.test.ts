import assert from 'node:assert/strict';
import { AppError } from '../../server/errors';
import { allReviews, decide, rankingOf, reviewsVisibleTo, scoreApplication } from '../../server/services/application.service';
import { addAssignment, takeAttendance } from '../../server/services/cohort-course.service';
import { cohortDetail, createCohort, updateCohort } from '../../server/services/cohort.service';
import { createEvent, eventDetail, eventList, takeEventAttendance } from '../../server/services/network-events.service';
import { createTeam, openTraining, teamDetail, teamsWithMembers, updateTeam } from '../../server/services/network.service';
import { assignReviewers, reviewableApplication, reviewerChoices, reviewListFor } from '../../server/services/review.service';
import { makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';
import { CTX, actor, daysFromToday } from '../helpers/programs';
import { cohortForm, makeCohort } from '../helpers/programs-cohorts';
import { applyTo, makeReviewer, reviewForm, scoreAs } from '../helpers/programs-applications';
import { makeEvent, makeTeam } from '../helpers/programs-network';

/** Asserts that `work` is refused with `status` (403 not allowed, 404 not to be known). */
async function refused(work: () => Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(work, (err: unknown) => err instanceof AppError && err.status === status);
}

const scores = (): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(reviewForm([4, 4, 4]))) out[k] = k.endsWith('_score') ? Number(v) : v;
  return out;
};

describeEachEngine('Program services, called directly, keep their own rules', (ctx) => {
  it('the cohort services, for a consultant, answer 403 (ForbiddenError) and change nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser({ role: 'consultant' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(-1) }] });
    const before = await ctx.db.knex('cohorts').count({ n: '*' });
    const form = cohortForm({ name: 'Not opened' }, [{ date: daysFromToday(10) }]);
    await refused(() => createCohort(form, actor(consultant), CTX), 403);
    await refused(() => updateCohort(cohort.id, form, actor(consultant), CTX), 403);
    await refused(() => cohortDetail(cohort.id, consultant), 403);
    await refused(() => addAssignment(cohort.id, { title: 'Read this', due_on: daysFromToday(5) }, consultant), 403);
    await refused(() => takeAttendance(cohort.id, cohort.meetings[0].id, { summary: 'x' }, actor(consultant), CTX), 403);
    await refused(() => assignReviewers(cohort.id, { reviewer_ids: [String(consultant.id)] }, consultant), 403);
    await refused(() => reviewerChoices(cohort.id, consultant), 403);
    assert.deepEqual(await ctx.db.knex('cohorts').count({ n: '*' }), before);
    assert.equal((await ctx.db.knex('cohort_assignments').where({ cohort_id: cohort.id })).length, 0);
    assert.equal((await ctx.db.knex('cohort_reviewers').where({ cohort_id: cohort.id })).length, 0);
  });

  it('the ranking, every review and the decision, for a reviewer who is not a director, answer 403 (blind review)', async () => {
    const director = await makeUser({ role: 'director' });
    const reviewer = await makeUser({ role: 'consultant' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(40) }] });
    await makeReviewer(cohort.id, reviewer);
    const application = await applyTo(cohort.id);
    await scoreAs(director, application.id, [5, 5, 5]);
    await refused(() => rankingOf(cohort.id, reviewer), 403);
    await refused(() => allReviews(application.id, reviewer), 403);
    await refused(() => decide(cohort.id, application.id, { decision: 'selected' }, reviewer), 403);
    const row = await ctx.db.knex('applications').where({ id: application.id }).first();
    assert.equal(row.decision, null);
  });

  it("reviewsVisibleTo, for a reviewer, holds only their own review; for staff who are not the cohort's reviewers, 404", async () => {
    const director = await makeUser({ role: 'director' });
    const reviewer = await makeUser({ role: 'consultant' });
    const stranger = await makeUser({ role: 'consultant' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(40) }] });
    await makeReviewer(cohort.id, reviewer);
    const application = await applyTo(cohort.id);
    await scoreAs(director, application.id, [5, 5, 5]);
    await scoreApplication(application.id, scores(), reviewer);
    // The caller's word for its role is not taken: the role is read from the database.
    const seen = await reviewsVisibleTo(application.id, { ...reviewer, role: 'director' } as typeof reviewer);
    assert.ok(seen.scored);
    assert.deepEqual(seen.others, []);
    assert.equal(seen.mine.reviewer_user_id, reviewer.id);
    await refused(() => reviewsVisibleTo(application.id, stranger), 404);
    await refused(() => reviewableApplication(application.id, stranger), 404);
    await refused(() => scoreApplication(application.id, scores(), stranger), 404);
    assert.deepEqual(await reviewListFor(stranger), []);
    assert.equal((await ctx.db.knex('application_reviews').where({ reviewer_user_id: stranger.id })).length, 0);
  });

  it('the network services, for a consultant, answer 403 and change nothing', async () => {
    const director = await makeUser({ role: 'director' });
    const consultant = await makeUser({ role: 'consultant' });
    const teamId = await makeTeam('VT');
    const eventId = await makeEvent(director, daysFromToday(-2));
    const teams = await ctx.db.knex('network_teams').count({ n: '*' });
    const events = await ctx.db.knex('network_events').count({ n: '*' });
    const member = { member_1_name: 'A member', member_1_role: 'Board member', member_1_organization: 'state_board' };
    await refused(() => createTeam({ jurisdiction: 'NH', ...member }, consultant), 403);
    await refused(() => updateTeam(teamId, { jurisdiction: 'NH', ...member }, consultant), 403);
    await refused(() => teamsWithMembers(consultant), 403);
    await refused(() => teamDetail(teamId, consultant), 403);
    await refused(() => eventList(consultant), 403);
    await refused(() => eventDetail(eventId, consultant), 403);
    await refused(
      () =>
        createEvent({ title: 'Not recorded', kind: 'expert_talk', date: daysFromToday(3), duration_minutes: 60 }, actor(consultant), CTX),
      403,
    );
    await refused(() => takeEventAttendance(eventId, { team_ids: [teamId], summary: 'x' }, actor(consultant), CTX), 403);
    await refused(() => openTraining(teamId, {}, actor(consultant), CTX), 403);
    assert.deepEqual(await ctx.db.knex('network_teams').count({ n: '*' }), teams);
    assert.deepEqual(await ctx.db.knex('network_events').count({ n: '*' }), events);
    assert.equal((await ctx.db.knex('network_event_teams').where({ network_event_id: eventId })).length, 0);
  });
});
