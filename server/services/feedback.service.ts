import { db, isUniqueViolation, nowIso } from '../db';
import { ConflictError } from '../errors';
import type { CaseRow } from '../queries/case.queries';
import { validateFeedback } from '../schemas/feedback.schemas';
import { recordEvent } from './events.service';

/** The requester's one answer to the survey of a completed case. */
export async function submitFeedback(kase: CaseRow, payload: unknown): Promise<void> {
  const input = validateFeedback(payload);
  if (kase.status !== 'completed') throw new ConflictError('Feedback opens once the request is complete.');
  const at = nowIso();
  try {
    await db.transaction(async (trx) => {
      await trx('feedback').insert({ case_id: kase.id, quality: input.quality, relevance: input.relevance, usefulness: input.usefulness, comment: input.comment?.trim() || null, created_at: at });
      await recordEvent(trx, { case_id: kase.id, actor_kind: 'requester', kind: 'case.feedback_received', after: { quality: input.quality, relevance: input.relevance, usefulness: input.usefulness, comment: input.comment?.trim() || null }, created_at: at });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('Thank you: feedback for this request was already received.');
    throw err;
  }
}

export async function feedbackOf(caseId: number) {
  return db('feedback').where({ case_id: caseId }).first();
}
