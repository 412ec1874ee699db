import { nowIso } from '../db';
import { deleteAuditEventsBefore } from '../queries/audit.queries';
import { pruneThrottles } from '../queries/throttle.queries';
import { THROTTLE } from './throttle.service';

/**
 * Removes what is kept no longer than needed: audit events older than `retentionDays`
 * (AUDIT_RETENTION_DAYS) and sign-in throttle rows whose wait and count are over.
 */
export async function pruneRecords(retentionDays: number, now = Date.now()): Promise<{ auditEvents: number; throttles: number; cutoff: string }> {
  const cutoff = nowIso(new Date(now - retentionDays * 86_400_000));
  const auditEvents = await deleteAuditEventsBefore(cutoff);
  const throttles = await pruneThrottles(now, THROTTLE.windowMs);
  return { auditEvents, throttles, cutoff };
}
