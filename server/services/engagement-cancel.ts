import type { Tx } from '../queries/database.queries';
import { setJurisdictionCopiesStatus, updateEngagementRow } from '../queries/engagement.queries';
import { recordEvent } from './events.service';

/**
 * Cancels one engagement inside the caller's transaction: it keeps its record but counts nowhere,
 * and its calendar SEQUENCE goes up, so that the cancelling calendar file mailed with the event
 * replaces the event people already have.
 */
export async function cancelInTransaction(
  trx: Tx,
  e: { id: number; case_id: number; status: string; sequence?: number },
  actorId: number,
  at: string,
): Promise<void> {
  await updateEngagementRow(trx, e.id, { status: 'cancelled', sequence: Number(e.sequence ?? 0) + 1, updated_at: at });
  await setJurisdictionCopiesStatus(trx, e.id, 'cancelled');
  await recordEvent(trx, {
    case_id: e.case_id,
    actor_user_id: actorId,
    actor_kind: 'staff',
    kind: 'engagement.updated',
    before: { engagement_id: e.id, status: e.status },
    after: { engagement_id: e.id, status: 'cancelled' },
    created_at: at,
  });
}
