import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import {
  ApplicationRow,
  ReviewRow,
  applicationsOfCohort,
  findApplication,
  findApplicationByEmail,
  findApplicationByIdempotencyKey,
  findApplicationByTokenHash,
  insertApplication,
  insertReview,
  reviewBy,
  reviewsOfApplication,
  reviewsOfCohort,
  setDecision,
} from '../queries/application.queries';
import { CohortRow, findCohort } from '../queries/cohort.queries';
import { ApplicationInput, validateApplication, validateDecision, validateReview } from '../schemas/application.schemas';
import { transaction } from '../queries/database.queries';
import { rankApplications, shownMean } from './application-ranking';
import { cohortOr404, windowOpen } from './cohort.service';
import { directorOr403 } from './program-access';
import { Reader, readerOf, reviewableOr404 } from './review.service';
import { todayIn } from './time';
import { derivedToken, fingerprint, hashToken, randomToken, sealToken } from './tokens';

interface ApplyContext {
  secret: string;
  timeZone: string;
  now?: Date;
}

type ApplyResult = { kind: 'created' | 'replayed'; applicationId: number; token: string } | { kind: 'honeypot' };

/** A calendar date (YYYY-MM-DD) in words, e.g. "March 15, 2027". */
const inWords = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
};

/** The message for a post to a cohort that does not take applications today. */
export function closedMessage(cohort: CohortRow, today: string): string {
  return today < cohort.opens_on
    ? `Applications to ${cohort.name} open on ${inWords(cohort.opens_on)}.`
    : `Applications to ${cohort.name} closed at the end of ${inWords(cohort.closes_on)}.`;
}

function filledHoneypot(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const website = (payload as { website?: unknown }).website;
  return website !== undefined && website !== null && website !== '';
}

function tokenFor(input: ApplicationInput, secret: string): string {
  // With a submission key the token is derived from it, so that a repeated submission gets the
  // same status link back although only the token's hash is stored (as for requests).
  return input.idempotency_key ? derivedToken(secret, 'application', input.idempotency_key) : randomToken();
}

function replayOf(existing: ApplicationRow, cohortId: number, requestHash: string, input: ApplicationInput, secret: string): ApplyResult {
  if (existing.cohort_id !== cohortId || existing.request_hash !== requestHash)
    throw new ConflictError('This submission key was already used for a different application.');
  return { kind: 'replayed', applicationId: existing.id, token: tokenFor(input, secret) };
}

/**
 * A board member applies to a cohort through the public form. Only while its window is open
 * (409 otherwise); one application per e-mail address and cohort; a repeated submission key gives
 * back the same application and status link.
 */
export async function submitApplication(cohortId: number, payload: unknown, ctx: ApplyContext): Promise<ApplyResult> {
  const cohort = await findCohort(cohortId);
  if (!cohort) throw new NotFoundError('We could not find that cohort.');
  const today = todayIn(ctx.timeZone, ctx.now);
  if (!windowOpen(cohort, today)) throw new ConflictError(closedMessage(cohort, today));
  if (filledHoneypot(payload)) return { kind: 'honeypot' };
  const input = validateApplication(payload);
  const { website: _honeypot, idempotency_key: key, ...content } = input;
  const email = input.email.trim().toLowerCase();
  const requestHash = fingerprint({ ...content, email, cohort_id: cohortId });
  if (key) {
    const existing = await findApplicationByIdempotencyKey(key);
    if (existing) return replayOf(existing, cohortId, requestHash, input, ctx.secret);
  }
  if (await findApplicationByEmail(cohortId, email)) {
    throw new ValidationError([
      { field: 'email', message: 'An application from this e-mail address has already been received for this cohort' },
    ]);
  }
  const token = tokenFor(input, ctx.secret);
  const at = nowIso(ctx.now);
  try {
    const applicationId = await transaction((trx) =>
      insertApplication(trx, {
        cohort_id: cohortId,
        name: input.name.trim(),
        email,
        jurisdiction_code: input.jurisdiction,
        board_role: input.board_role.trim(),
        years_on_board: input.years_on_board,
        equity_commitment: input.equity_commitment.trim(),
        race_culture_openness: input.race_culture_openness.trim(),
        leadership: input.leadership.trim(),
        decision: null,
        decided_at: null,
        decided_by_user_id: null,
        status_token_hash: hashToken(token),
        status_token_enc: sealToken(ctx.secret, token),
        idempotency_key: key ?? null,
        request_hash: requestHash,
        submitted_at: at,
        created_at: at,
        updated_at: at,
      }),
    );
    return { kind: 'created', applicationId, token };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The same key or address raced with another submission; the first one stands.
    const existing = key ? await findApplicationByIdempotencyKey(key) : undefined;
    if (existing) return replayOf(existing, cohortId, requestHash, input, ctx.secret);
    throw new ValidationError([
      { field: 'email', message: 'An application from this e-mail address has already been received for this cohort' },
    ]);
  }
}

/** The application behind a status link, with its cohort, or undefined for an unknown token. */
export async function findApplicationByToken(token: string): Promise<{ application: ApplicationRow; cohort: CohortRow } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const application = await findApplicationByTokenHash(hashToken(token));
  if (!application) return undefined;
  const cohort = await findCohort(application.cohort_id);
  return cohort ? { application, cohort } : undefined;
}

const meanOf = (reviews: ReviewRow[]) =>
  shownMean(
    reviews.length ? reviews.reduce((s, r) => s + r.equity_score + r.openness_score + r.leadership_score, 0) / (3 * reviews.length) : null,
  );

/**
 * What a reader may see of an application's reviews. Blind scoring: nothing of the others'
 * reviews (not their scores, comments, number or mean) is returned to a reviewer at all, so that
 * no page can show it; a reviewer sees only their own review once given. A director, who decides,
 * sees the others' too, but only after giving their own scores, so that their own judgement is
 * not led either.
 */
export async function reviewsVisibleTo(
  applicationId: number,
  user: { id: number },
): Promise<{ scored: false } | { scored: true; mine: ReviewRow; others: ReviewRow[]; mean: number | null; count: number }> {
  const reader: Reader = await readerOf(user.id);
  await reviewableOr404(await findApplication(applicationId), reader);
  const mine = await reviewBy(applicationId, reader.id);
  if (!mine) return { scored: false };
  if (reader.role !== 'director') return { scored: true, mine, others: [], mean: null, count: 0 };
  const all = await reviewsOfApplication(applicationId);
  return { scored: true, mine, others: all.filter((r) => r.reviewer_user_id !== reader.id), mean: meanOf(all), count: all.length };
}

/**
 * A reviewer scores an application on the three criteria; a review is final once given (409
 * after). Only the cohort's reviewers and directors may (404 for anyone else).
 */
export async function scoreApplication(applicationId: number, payload: unknown, reviewer: { id: number }): Promise<void> {
  const application = await reviewableOr404(await findApplication(applicationId), await readerOf(reviewer.id));
  if (await reviewBy(application.id, reviewer.id))
    throw new ConflictError('You have already scored this application: a review is final once given.');
  const input = validateReview(payload);
  const at = nowIso();
  try {
    await transaction((trx) =>
      insertReview(trx, {
        application_id: application.id,
        reviewer_user_id: reviewer.id,
        equity_score: input.equity_score,
        equity_comment: input.equity_comment.trim(),
        openness_score: input.openness_score,
        openness_comment: input.openness_comment.trim(),
        leadership_score: input.leadership_score,
        leadership_comment: input.leadership_comment.trim(),
        created_at: at,
        updated_at: at,
      }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('You have already scored this application: a review is final once given.');
    throw err;
  }
}

/**
 * A cohort's applications ranked by mean score, with every review: the directors' decision page.
 * Directors decide, so this page shows them every score at any time; it is for directors only.
 * Blindness protects the reviewers' own judgement (`reviewsVisibleTo`): a director who also
 * reviews should score from the review page before opening this one.
 */
export async function rankingOf(cohortId: number, director: { id: number }) {
  await directorOr403(director);
  const cohort = await cohortOr404(cohortId);
  const [applications, reviews] = await Promise.all([applicationsOfCohort(cohortId), reviewsOfCohort(cohortId)]);
  const ranked = rankApplications(applications, reviews).map((a) => ({
    ...a,
    mean: shownMean(a.mean),
    reviewList: reviews.filter((r) => r.application_id === a.id),
  }));
  return { cohort, ranked };
}

/** The application of this cohort, or 404. */
export async function applicationOfCohort(cohortId: number, applicationId: number): Promise<ApplicationRow> {
  const application = await findApplication(applicationId);
  if (!application || application.cohort_id !== cohortId) throw new NotFoundError('We could not find that application.');
  return application;
}

/** A director's decision on an application: selected (on the roster), waitlisted or not selected. */
export async function decide(cohortId: number, applicationId: number, payload: unknown, director: { id: number }): Promise<void> {
  await directorOr403(director);
  const application = await applicationOfCohort(cohortId, applicationId);
  const { decision } = validateDecision(payload);
  if (application.decision === decision) return;
  await transaction((trx) => setDecision(trx, application.id, decision, director.id, nowIso()));
}

/** Every review of an application, for the directors' application page (directors only: reviewers review blind). */
export const allReviews = async (applicationId: number, director: { id: number }) => {
  await directorOr403(director);
  const reviews = await reviewsOfApplication(applicationId);
  return { reviews, mean: meanOf(reviews) };
};
