import crypto from 'node:crypto';
import { nowIso } from '../values';
import { ConflictError, isUniqueViolation } from '../errors';
import { insertCase, insertCaseEvent, insertCaseTopics, updateCase } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import { firstDeliveredEngagement, insertEngagement, replaceChildren } from '../queries/engagement.queries';
import { accountsByEmail, engagementImported, findImportedCase, setEngagementImportKey } from '../queries/import.queries';
import { insertUser } from '../queries/user.queries';
import { CLOSED_STATUSES, type CaseStatus } from '../vocabulary';
import { engagementInstant } from './case.service';
import { refreshReportRollups } from './report-rollups';
import { randomToken } from './tokens';
import { newCaseRow, takeReference } from './case-row';
import { ImportResult, PlannedCase, planImport } from './import-plan';
import { businessDaysBetween, todayIn } from './time';

export { IMPORT_COLUMNS } from './import-plan';
export type { ImportResult } from './import-plan';

const nameFromEmail = (email: string) =>
  email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ') || email;

/**
 * Imports historical cases and engagements from CSV. A dry run reports every row with a problem
 * and writes nothing; a real run refuses the whole file if any row has a problem, and otherwise
 * imports every row in one transaction. Rows already imported are recognised and skipped.
 */
export async function importCsv(
  text: string,
  options: { dryRun: boolean; timeZone: string; source?: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportResult> {
  const plan = await planImport(text, options.timeZone);
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

/**
 * The row of an imported case: its requester, what the file says of its work, and the times that
 * the figures read (worked out from the engagements when the file does not say).
 */
function importedCaseRow(
  c: PlannedCase,
  made: { reference: string; status: CaseStatus; lead: number | null; lastDelivered: string | undefined; at: string },
  options: { source?: string; timeZone: string },
) {
  const { reference, status, lead, at } = made;
  const submittedAt = `${c.submitted}T12:00:00.000Z`;
  const note = `Imported record (case ${c.key}).`;
  // Without an assignment date the assignment time is unknown: left out of the figures.
  const assignedAt = lead && c.assigned ? `${c.assigned}T12:00:00.000Z` : null;
  return newCaseRow({
    reference,
    track: c.track,
    source: 'import',
    status,
    jurisdiction: c.jurisdiction,
    requester: { name: c.requester_name, email: c.requester_email, title: 'Imported record' },
    organization: { type: c.organization_type, name: c.organization_name },
    preferredFormat: 'no_preference',
    title: c.title,
    needs: `Imported from ${options.source ?? 'a CSV file'} (case ${c.key}).`,
    lead: lead
      ? {
          id: lead,
          assignedAt,
          businessDays: assignedAt ? businessDaysBetween(new Date(submittedAt), new Date(assignedAt), options.timeZone) : null,
        }
      : null,
    closing: CLOSED_STATUSES.includes(status)
      ? {
          at: `${made.lastDelivered ?? c.submitted}T17:00:00.000Z`,
          summary: status === 'completed' ? note : null,
          reason: status === 'declined' || status === 'withdrawn' ? note : null,
        }
      : null,
    statusToken: { token: randomToken() },
    idempotency: { key: `import:${c.key}`, requestHash: crypto.createHash('sha256').update(c.key).digest('hex') },
    submittedAt,
    at,
  });
}

async function runImport(
  cases: PlannedCase[],
  result: ImportResult,
  options: { source?: string; today: string; timeZone: string; onProgress?: (done: number, total: number) => void },
): Promise<void> {
  const { today } = options;
  await transaction(async (trx) => {
    const users = new Map((await accountsByEmail(trx)).map((u) => [u.email, u.id]));
    const userId = async (email: string) => {
      const known = users.get(email);
      if (known) return known;
      // Consultants named in old records but without an account get an inactive one.
      const at = nowIso();
      const id = await insertUser(trx, {
        email,
        name: nameFromEmail(email),
        role: 'consultant',
        password_hash: null,
        active: false,
        capacity: 0,
        created_at: at,
        updated_at: at,
      });
      users.set(email, id);
      result.created.consultants += 1;
      result.accounts.push({ email, name: nameFromEmail(email) });
      return id;
    };
    let done = 0;
    const touched: number[] = [];
    for (const c of cases) {
      const existing = await findImportedCase(c.key, trx);
      let caseId: number;
      if (existing) {
        caseId = existing;
        result.skipped.cases += 1;
      } else {
        const year = Number(c.submitted.slice(0, 4));
        const reference = await takeReference(trx, year);
        const lead = c.lead ? await userId(c.lead) : null;
        const delivered = c.engagements
          .filter((e) => e.status === 'delivered')
          .map((e) => e.date)
          .sort();
        // Worked out from the engagements: a case with delivered work is finished unless more is
        // still scheduled from today on, in which case the work is under way.
        const upcoming = c.engagements.some((e) => e.status === 'scheduled' && e.date >= today);
        const status: CaseStatus =
          (c.status as CaseStatus | null) ?? (delivered.length ? (upcoming ? 'in_progress' : 'completed') : lead ? 'assigned' : 'new');
        const at = nowIso();
        caseId = await insertCase(
          trx,
          importedCaseRow(c, { reference, status, lead, lastDelivered: delivered[delivered.length - 1], at }, options),
        );
        await insertCaseTopics(trx, caseId, c.topic_ids);
        await insertCaseEvent(trx, {
          case_id: caseId,
          actor_kind: 'system',
          kind: 'case.created',
          after: { reference, source: 'import', file: options.source ?? null, case_key: c.key, status },
          created_at: at,
        });
        result.created.cases += 1;
      }
      let added = 0;
      for (const e of c.engagements) {
        if (await engagementImported(e.key, trx)) {
          result.skipped.engagements += 1;
          continue;
        }
        const [year, month] = e.date.split('-').map(Number);
        const at = nowIso();
        const row = {
          case_id: caseId,
          date: e.date,
          start_time: e.start_time,
          year,
          month,
          duration_minutes: e.duration_minutes,
          format: e.format,
          status: e.status,
          participant_count: e.participant_count,
          summary: e.summary ?? 'Imported record.',
          follow_up_actions: null,
          follow_up_date: null,
          created_by: null,
          created_at: at,
          updated_at: at,
        };
        const id = await insertEngagement(trx, row);
        await setEngagementImportKey(trx, id, e.key);
        const consultantIds = [];
        for (const email of e.consultants) consultantIds.push(await userId(email));
        await replaceChildren(
          trx,
          { id, status: e.status, date: e.date, year },
          { consultant_ids: [...new Set(consultantIds)], jurisdictions: e.jurisdictions, topic_ids: e.topic_ids, attendees: [] },
        );
        await insertCaseEvent(trx, {
          case_id: caseId,
          actor_kind: 'system',
          kind: 'engagement.added',
          after: { engagement_id: id, date: e.date, status: e.status, source: 'import' },
          created_at: at,
        });
        result.created.engagements += 1;
        added += 1;
      }
      // Derived from the delivered engagements, as for any case (see noteEngagementChange). A case
      // imported before, with nothing added now, is left as it is (its version too).
      if (!existing || added) {
        const first = await firstDeliveredEngagement(trx, caseId);
        await updateCase(trx, caseId, { first_engagement_at: first ? engagementInstant(first, options.timeZone).toISOString() : null });
      }
      touched.push(caseId);
      done += 1;
      options.onProgress?.(done, cases.length);
    }
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
  for (const c of cases) {
    if (await findImportedCase(c.key)) result.skipped.cases += 1;
    else result.created.cases += 1;
    for (const e of c.engagements) {
      if (await engagementImported(e.key)) result.skipped.engagements += 1;
      else result.created.engagements += 1;
    }
  }
}
