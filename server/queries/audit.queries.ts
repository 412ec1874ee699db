import { Queryable, db } from '../db';

/** Deletes the audit events recorded before `cutoffIso` (UTC); returns how many. */
export async function deleteAuditEventsBefore(cutoffIso: string, q: Queryable = db): Promise<number> {
  return Number(await q('audit_events').where('created_at', '<', cutoffIso).delete());
}
