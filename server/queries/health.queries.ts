import { reads, storageProblem } from '../db';

/** Whether the database answers `select 1` within `timeoutMs` (false on any error or on time running out). */
export async function databaseAnswers(timeoutMs: number): Promise<boolean> {
  try {
    await reads.raw('select 1 as ok').timeout(timeoutMs, { cancel: false });
    return true;
  } catch {
    return false;
  }
}

/** The code of the database's last storage failure (a full disk, an I/O error, a read-only file) not yet followed by a good write. */
export function storageFailureCode(): string | undefined {
  return storageProblem()?.code;
}
