import { ifAdvisoryLock } from '../queries/database.queries';
import { nowIso } from '../values';
import { deleteAuditEventsBefore } from '../queries/audit.queries';
import { pruneThrottles } from '../queries/throttle.queries';
import { THROTTLE } from './throttle.service';

/**
 * Removes what is kept no longer than needed: audit events older than `retentionDays`
 * (AUDIT_RETENTION_DAYS) and sign-in throttle rows whose wait and count are over.
 */
async function pruneRecords(retentionDays: number, now = Date.now()): Promise<{ auditEvents: number; throttles: number; cutoff: string }> {
  const cutoff = nowIso(new Date(now - retentionDays * 86_400_000));
  const auditEvents = await deleteAuditEventsBefore(cutoff);
  const throttles = await pruneThrottles(now, THROTTLE.windowMs);
  return { auditEvents, throttles, cutoff };
}

/** The advisory lock of the daily prune (see pruneRecordsOnce). */
export const PRUNE_LOCK = 'leep:audit-prune';

/**
 * pruneRecords, run by one host at a time: when the same cron job fires on several app hosts at
 * once, the others find the PostgreSQL advisory lock taken and do nothing (undefined).
 */
export async function pruneRecordsOnce(
  retentionDays: number,
  now = Date.now(),
): Promise<{ auditEvents: number; throttles: number; cutoff: string } | undefined> {
  return ifAdvisoryLock(PRUNE_LOCK, () => pruneRecords(retentionDays, now));
}
