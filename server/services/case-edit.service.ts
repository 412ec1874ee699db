import { nowIso } from '../values';
import { ValidationError } from '../errors';
import { CaseRow, replaceCaseTopics, topicsOfCase, updateCase } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { activeTopicsBySlug } from '../queries/reference.queries';
import { validateCaseUpdate } from '../schemas/case.schemas';
import { Staff, directorsOnly, lockedCase } from './case.service';
import { recordEvent } from './events.service';
import { refreshReportRollups } from './report-rollups';
import { editConflict } from './edit-conflict';

/* A director's edit of a case's request fields (what the requester sent, or staff entered for them). */

const EDITABLE: Record<string, keyof CaseRow> = {
  jurisdiction: 'jurisdiction_code',
  name: 'requester_name',
  email: 'requester_email',
  phone: 'requester_phone',
  role: 'requester_title',
  organization_type: 'organization_type',
  organization_name: 'organization_name',
  track: 'track',
  preferred_format: 'preferred_format',
  title: 'title',
  needs: 'needs',
  outcomes: 'outcomes',
  preferred_start: 'preferred_start',
  deadline: 'deadline',
  expected_participants: 'expected_participants',
};

/**
 * A director's edit of the request fields; the timeline keeps each changed field before and
 * after. With `expectedVersion` (the version the form was opened at, or an API client's
 * If-Match), a save over a newer version throws EditConflictError (409) and changes nothing.
 */
export async function editCase(caseId: number, payload: unknown, actor: Staff, expectedVersion?: number): Promise<void> {
  await directorsOnly(actor, `/cases/${caseId}`);
  const input = validateCaseUpdate(payload);
  const topics = await activeTopicsBySlug(input.topics);
  const errors = [];
  if (topics.length !== input.topics.length) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.preferred_start && input.deadline && input.deadline < input.preferred_start)
    errors.push({ field: 'deadline', message: 'Deadline must be on or after the preferred start date' });
  if (errors.length) throw new ValidationError(errors);
  await transaction(async (trx) => {
    const kase = await lockedCase(trx, caseId);
    const current = Number(kase.version ?? 1);
    if (expectedVersion !== undefined && current !== expectedVersion) {
      // Each change of the case row wrote one of these (notes and messages leave the row as it is).
      const concerns = (e: { kind: string }) =>
        e.kind.startsWith('case.') && !/^case\.(note_added|message_sent|message_received)$/.test(e.kind);
      throw await editConflict(trx, caseId, current, expectedVersion, concerns);
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const changes: Partial<CaseRow> = {};
    for (const [field, column] of Object.entries(EDITABLE)) {
      const value = (input as unknown as Record<string, unknown>)[field] ?? (field === 'track' ? kase.track : null);
      if ((kase[column] ?? null) !== value) {
        before[field] = kase[column] ?? null;
        after[field] = value;
        (changes as Record<string, unknown>)[column] = value;
      }
    }
    const oldTopics = (await topicsOfCase(caseId, trx)).map((t) => t.slug).sort();
    const newTopics = [...input.topics].sort();
    if (oldTopics.join() !== newTopics.join()) {
      before.topics = oldTopics;
      after.topics = newTopics;
      await replaceCaseTopics(
        trx,
        caseId,
        topics.map((t) => t.id),
      );
    }
    if (!Object.keys(after).length) return;
    const at = nowIso();
    await updateCase(trx, caseId, { ...changes, updated_at: at });
    // The roll-ups count engagements, and the feedback figures cases, under their case's track.
    if (changes.track) await refreshReportRollups(trx, [caseId]);
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.updated',
      before,
      after,
      created_at: at,
    });
  });
}
