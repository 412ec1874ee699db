import { db } from '../db';
import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError } from '../errors';
import type { CaseRow } from '../queries/case.queries';
import { validateFeedback } from '../schemas/feedback.schemas';
import { recordEvent } from './events.service';

const ALREADY_RECEIVED = 'Thank you: feedback for this request was already received.';

/** The requester's one answer to the survey of a completed case. */
export async function submitFeedback(kase: CaseRow, payload: unknown): Promise<void> {
  // Checked before the answers: with no survey on the page, form errors would point at nothing.
  if (kase.status !== 'completed') throw new ConflictError('Feedback opens once the request is complete.');
  if (await feedbackOf(kase.id)) throw new ConflictError(ALREADY_RECEIVED);
  const input = validateFeedback(payload);
  const at = nowIso();
  try {
    await db.transaction(async (trx) => {
      await trx('feedback').insert({
        case_id: kase.id,
        quality: input.quality,
        relevance: input.relevance,
        usefulness: input.usefulness,
        comment: input.comment?.trim() || null,
        created_at: at,
      });
      await recordEvent(trx, {
        case_id: kase.id,
        actor_kind: 'requester',
        kind: 'case.feedback_received',
        after: { quality: input.quality, relevance: input.relevance, usefulness: input.usefulness, comment: input.comment?.trim() || null },
        created_at: at,
      });
    });
  } catch (err) {
    // Two answers at once: the second finds the first's row.
    if (isUniqueViolation(err)) throw new ConflictError(ALREADY_RECEIVED);
    throw err;
  }
}

export async function feedbackOf(caseId: number) {
  return db('feedback').where({ case_id: caseId }).first();
}
