import { nowIso } from '../values';
import { ConflictError, isUniqueViolation } from '../errors';
import type { CaseRow } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { type FeedbackRow, findFeedback, insertFeedback } from '../queries/feedback.queries';
import { validateFeedback } from '../schemas/feedback.schemas';
import { recordEvent } from './events.service';
import { refreshFeedbackYears } from './report-rollups';

const ALREADY_RECEIVED = 'Thank you: feedback for this request was already received.';

/**
 * The requester's one answer to the survey of a completed case. `kase` is the case the requester's
 * own status link opened: holding the link is what allows it.
 */
export async function submitFeedback(kase: CaseRow, payload: unknown): Promise<void> {
  // Checked before the answers: with no survey on the page, form errors would point at nothing.
  if (kase.status !== 'completed') throw new ConflictError('Feedback opens once the request is complete.');
  if (await feedbackOf(kase.id)) throw new ConflictError(ALREADY_RECEIVED);
  const input = validateFeedback(payload);
  const at = nowIso();
  const answers = {
    quality: input.quality,
    relevance: input.relevance,
    usefulness: input.usefulness,
    comment: input.comment?.trim() || null,
  };
  try {
    await transaction(async (trx) => {
      await insertFeedback(trx, { case_id: kase.id, ...answers, created_at: at });
      await refreshFeedbackYears(trx, [kase.id]);
      await recordEvent(trx, { case_id: kase.id, actor_kind: 'requester', kind: 'case.feedback_received', after: answers, created_at: at });
    });
  } catch (err) {
    // Two answers at once: the second finds the first's row.
    if (isUniqueViolation(err)) throw new ConflictError(ALREADY_RECEIVED);
    throw err;
  }
}

/** The feedback given on a case, if any (for the case page and the requester's status page). */
export async function feedbackOf(caseId: number): Promise<FeedbackRow | undefined> {
  return findFeedback(caseId);
}
