// Applications to a cohort for the program tests: the public form, applications stored through
// the service, reviewers, reviews and decisions.
import crypto from 'node:crypto';
import { decide, scoreApplication, submitApplication } from '../../server/services/application.service';
import { db } from '../../server/db';
import { nowIso } from '../../server/values';
import type { TestUser } from './auth';
import { CTX, Fields } from './programs';

/** A valid application as the public form posts it; override any field. */
export function applicationForm(overrides: Fields = {}): Fields {
  return {
    idempotency_key: crypto.randomBytes(16).toString('base64url'),
    name: 'Rosa Benally',
    email: `${crypto.randomBytes(5).toString('hex')}@board.example.gov`,
    jurisdiction: 'NM',
    board_role: 'Vice chair',
    years_on_board: '4',
    equity_commitment: 'I chaired our equity task force and pushed for the equity audit.',
    race_culture_openness: 'I want to hear how other boards talk about race with their communities.',
    leadership: 'I led the rewrite of our discipline policy with students and families.',
    ...overrides,
  };
}

export interface TestApplication {
  id: number;
  token: string;
  statusPath: string;
}

/** An application stored through the service (the window must be open). */
export async function applyTo(cohortId: number, overrides: Fields = {}): Promise<TestApplication> {
  const form = applicationForm(overrides);
  const payload: Record<string, unknown> = { ...form, years_on_board: Number(form.years_on_board) };
  const result = await submitApplication(cohortId, payload, CTX);
  if (result.kind === 'honeypot') throw new Error('the test application was taken for a bot');
  return { id: result.applicationId, token: result.token, statusPath: `/applications/${result.token}` };
}

/** Makes the user one of the cohort's reviewers (once). */
export async function makeReviewer(cohortId: number, user: TestUser): Promise<void> {
  if (await db('cohort_reviewers').where({ cohort_id: cohortId, user_id: user.id }).first('id')) return;
  await db('cohort_reviewers').insert({ cohort_id: cohortId, user_id: user.id, created_at: nowIso(), updated_at: nowIso() });
}

/** Three scores and comments as the review form posts them. */
export function reviewForm(scores: [number, number, number], comment = 'Thoughtful answers.'): Fields {
  return {
    equity_score: String(scores[0]),
    equity_comment: `${comment} (equity)`,
    openness_score: String(scores[1]),
    openness_comment: `${comment} (openness)`,
    leadership_score: String(scores[2]),
    leadership_comment: `${comment} (leadership)`,
  };
}

/** A review stored through the service. */
export async function scoreAs(
  reviewer: TestUser,
  applicationId: number,
  scores: [number, number, number],
  comment?: string,
): Promise<void> {
  // Only a cohort's reviewers (and directors) may score: make a consultant one first.
  if (reviewer.role !== 'director') {
    const { cohort_id } = await db('applications').where({ id: applicationId }).first('cohort_id');
    await makeReviewer(Number(cohort_id), reviewer);
  }
  const form = reviewForm(scores, comment);
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) payload[k] = k.endsWith('_score') ? Number(v) : v;
  await scoreApplication(applicationId, payload, { id: reviewer.id });
}

export const decideAs = (
  director: TestUser,
  cohortId: number,
  applicationId: number,
  decision: 'selected' | 'waitlisted' | 'not_selected',
) => decide(cohortId, applicationId, { decision }, { id: director.id });
