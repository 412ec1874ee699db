import { testApp } from './app';
import { makeUser } from './auth';
import type { TestDatabase } from './db';
import { daysFromToday } from './programs';
import { makeCohort } from './programs-cohorts';
import { applyTo, scoreAs } from './programs-applications';

/**
 * What the blind-scoring tests share (inside a describeEachEngine): the app, and an application
 * scored by two reviewers whose names, comments and mean are easy to spot (`secrets`), with the
 * applicant's own identity (`identity`).
 */
export function blindScoring(ctx: { db: TestDatabase }) {
  const { app } = testApp();

  /** An application scored by two other reviewers whose names and comments are easy to spot. */
  async function scoredByOthers() {
    const director = await makeUser({ role: 'director', name: 'Quillon Varga' });
    const other = await makeUser({ role: 'consultant', name: 'Odalys Pernet' });
    const cohort = await makeCohort(ctx.db.knex, { director, meetings: [{ date: daysFromToday(-1) }] });
    const application = await applyTo(cohort.id, { name: 'Avery Stone', jurisdiction: 'OR', email: 'avery.stone@board.example.gov' });
    // Scores 5,5,4 and 2,3,3: a mean of 22/6 = 3.67, written nowhere else.
    await scoreAs(director, application.id, [5, 5, 4], 'SECRET-FIRST-5524');
    await scoreAs(other, application.id, [2, 3, 3], 'SECRET-SECOND-2233');
    // The mean is looked for as a number standing alone, not inside a random token.
    return {
      director,
      other,
      cohort,
      application,
      identity: [/Avery Stone/, /avery\.stone@/, /Oregon/],
      secrets: [/SECRET-FIRST/, /SECRET-SECOND/, /Quillon Varga/, /Odalys Pernet/, /(^|[^\w.-])3\.67($|[^\w-])/, /Mean of all/],
    };
  }

  return { app, scoredByOthers };
}
