import { databaseAnswers, storageFailureCode } from '../queries/health.queries';
import { isDraining } from '../lifecycle';

/** What `/healthz` says: serving, stopping (the drain period), or not able to serve. */
type Health = { state: 'ok' } | { state: 'draining' } | { state: 'storage_failed'; code: string } | { state: 'unavailable' };

/**
 * The instance's health: draining from SIGTERM on; unavailable when the database's last write
 * failed for lack of storage, or when it does not answer within two seconds; ok otherwise.
 */
export async function health(): Promise<Health> {
  if (isDraining()) return { state: 'draining' };
  const code = storageFailureCode();
  if (code) return { state: 'storage_failed', code };
  return (await databaseAnswers(2000)) ? { state: 'ok' } : { state: 'unavailable' };
}
