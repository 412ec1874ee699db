import { ConflictError, isUniqueViolation } from '../errors';
import { transaction } from '../queries/database.queries';
import { accountsByEmail, casesByIdempotencyKey, engagementsByImportKey, refreshPlannerStatistics } from '../queries/import.queries';
import { caseKeyOf, importBatch, nameFromEmail } from './import-batch';
import { ImportResult, PlannedCase, planImport } from './import-plan';
import { refreshReportRollups } from './report-rollups';
import { todayIn } from './time';

export { IMPORT_COLUMNS } from './import-plan';
export type { ImportResult } from './import-plan';
export { planImport } from './import-plan';

/**
 * Imports historical cases and engagements from CSV. A dry run reports every row with a problem
 * and writes nothing; a real run refuses the whole file if any row has a problem, and otherwise
 * imports every row in one transaction (written in batches of cases, a few statements per table
 * each, so that 100,000 rows take seconds). Rows already imported are recognised and skipped.
 */
export async function importCsv(text: string | Buffer, options: ImportOptions): Promise<ImportResult> {
  return importPlanned(await planImport(text, options.timeZone), options);
}

type ImportOptions = { dryRun: boolean; timeZone: string; source?: string; onProgress?: (done: number, total: number) => void };

/**
 * importCsv once the file is read and checked (planImport): for a caller that lets go of a large
 * file's bytes before the writing starts (the CLI).
 */
export async function importPlanned(plan: Awaited<ReturnType<typeof planImport>>, options: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = {
    rows: plan.rows,
    problems: plan.problems,
    dryRun: options.dryRun,
    created: { cases: 0, engagements: 0, consultants: 0 },
    skipped: { cases: 0, engagements: 0 },
    accounts: [],
  };
  if (plan.problems.length || options.dryRun) {
    if (options.dryRun) {
      await countWhatWouldBeNew(plan.cases, result);
      result.accounts = await accountsToMake(plan.cases);
      result.created.consultants = result.accounts.length;
    }
    return result;
  }
  try {
    await runImport(plan.cases, result, { ...options, today: todayIn(options.timeZone) });
  } catch (err) {
    // Another import of the same records committed first: nothing of this one was written.
    if (isUniqueViolation(err))
      throw new ConflictError(
        'These records were imported at the same moment by someone else. Check the file again to see what is already there.',
      );
    throw err;
  }
  return result;
}

/** Cases are written this many at a time (with their engagements), each batch a few statements per table. */
const CASE_BATCH = 500;

async function runImport(
  cases: PlannedCase[],
  result: ImportResult,
  options: { source?: string; today: string; timeZone: string; onProgress?: (done: number, total: number) => void },
): Promise<void> {
  await transaction(async (trx) => {
    const users = new Map((await accountsByEmail(trx)).map((u) => [u.email, u.id]));
    const existingCases = await casesByIdempotencyKey(cases.map(caseKeyOf), trx);
    const existingEngagements = await engagementsByImportKey(
      cases.flatMap((c) => c.engagements.map((e) => e.key)),
      trx,
    );
    const touched: number[] = [];
    for (let i = 0; i < cases.length; i += CASE_BATCH) {
      const batch = cases.slice(i, i + CASE_BATCH);
      touched.push(...(await importBatch(trx, batch, { users, existingCases, existingEngagements, result, options })));
      options.onProgress?.(i + batch.length, cases.length);
    }
    await refreshPlannerStatistics(trx);
    await refreshReportRollups(trx, touched);
  });
}

/**
 * For a dry run: the accounts the real run would make (consultants named only by e-mail), each
 * flagged when an existing account has the same name under another e-mail (likely the same person).
 */
async function accountsToMake(cases: PlannedCase[]): Promise<ImportResult['accounts']> {
  const users = await accountsByEmail();
  const known = new Set(users.map((u) => u.email));
  const emails = new Set<string>();
  for (const c of cases) {
    if (c.lead) emails.add(c.lead);
    for (const e of c.engagements) for (const email of e.consultants) emails.add(email);
  }
  return [...emails]
    .filter((email) => !known.has(email))
    .sort()
    .map((email) => {
      const name = nameFromEmail(email);
      const twin = users.find((u) => u.name.trim().toLowerCase() === name.toLowerCase());
      return { email, name, ...(twin ? { sameNameAs: `${twin.name} <${twin.email}>` } : {}) };
    });
}

/** For a dry run: how many cases and engagements the real run would add or skip. */
async function countWhatWouldBeNew(cases: PlannedCase[], result: ImportResult): Promise<void> {
  const existingCases = await casesByIdempotencyKey(cases.map(caseKeyOf));
  const engagements = cases.flatMap((c) => c.engagements.map((e) => e.key));
  const existingEngagements = await engagementsByImportKey(engagements);
  result.skipped.cases = cases.filter((c) => existingCases.has(caseKeyOf(c))).length;
  result.created.cases = cases.length - result.skipped.cases;
  result.skipped.engagements = engagements.filter((key) => existingEngagements.has(key)).length;
  result.created.engagements = engagements.length - result.skipped.engagements;
}
