import { NotFoundError } from '../errors';
import { insertMessage, insertNote } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { validateMessage, validateNote } from '../schemas/case.schemas';
import { nowIso } from '../values';
import { AccessMeta, CaseRow, Staff, caseForUser } from './case.service';
import { recordEvent } from './events.service';
import { findCaseByStatusToken } from './request.service';

/** A case's internal notes and its messages with the requester: who may write them, and what each leaves on the timeline. */

/** An internal note (staff on the case): never shown to the requester. */
export async function addNote(caseId: number, payload: unknown, actor: Staff, meta: AccessMeta = {}): Promise<void> {
  await caseForUser(caseId, actor, { path: `/cases/${caseId}/notes`, ...meta });
  const body = validateNote(payload).body.trim();
  const at = nowIso();
  await transaction(async (trx) => {
    await insertNote(trx, { case_id: caseId, author_user_id: actor.id, body, created_at: at });
    await recordEvent(trx, {
      case_id: caseId,
      actor_user_id: actor.id,
      actor_kind: 'staff',
      kind: 'case.note_added',
      after: { body },
      created_at: at,
    });
  });
}

/**
 * Stores a message between the team and the requester, with its timeline event. The rule for a
 * closed request lives here, once, for both sides: it can still be messaged (a requester may
 * answer a decline, staff may write after completing), and a message does not reopen it.
 */
async function storeMessage(kase: CaseRow, payload: unknown, author: Staff | 'requester'): Promise<void> {
  const body = validateMessage(payload).body.trim();
  const at = nowIso();
  const staff = author === 'requester' ? undefined : author;
  await transaction(async (trx) => {
    await insertMessage(trx, {
      case_id: kase.id,
      author_kind: staff ? 'staff' : 'requester',
      author_user_id: staff?.id ?? null,
      body,
      created_at: at,
    });
    await recordEvent(trx, {
      case_id: kase.id,
      ...(staff ? { actor_user_id: staff.id } : {}),
      actor_kind: staff ? 'staff' : 'requester',
      kind: staff ? 'case.message_sent' : 'case.message_received',
      after: { body },
      created_at: at,
    });
  });
}

/** A message from staff on the case to the requester, shown on the status page. */
export async function sendMessage(caseId: number, payload: unknown, actor: Staff, meta: AccessMeta = {}): Promise<void> {
  const kase = await caseForUser(caseId, actor, { path: `/cases/${caseId}/messages`, ...meta });
  await storeMessage(kase, payload, actor);
}

/**
 * A message from the requester, posted on their status page: the status link is what lets them
 * write (an unknown link answers 404, before the message is looked at).
 */
export async function receiveRequesterMessage(statusToken: string, payload: unknown): Promise<void> {
  const kase = await findCaseByStatusToken(statusToken);
  if (!kase) throw new NotFoundError('We could not find a request for this link.');
  await storeMessage(kase, payload, 'requester');
}
