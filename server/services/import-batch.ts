// The import's writing: one batch of planned cases at a time, in file order, a few statements per
// table for hundreds of rows (see importCsv in import.service.ts for the whole run).
import crypto from 'node:crypto';
import { nowIso } from '../values';
import { insertCaseEvents, takeReferenceNumbers, updateCase } from '../queries/case.queries';
import type { Tx } from '../queries/database.queries';
import { firstDeliveredEngagement } from '../queries/engagement.queries';
import {
  insertCaseTopicRows,
  insertEngagementChildRows,
  insertImportedCases,
  insertImportedEngagements,
  insertUsers,
} from '../queries/import.queries';
import { CLOSED_STATUSES, type CaseStatus } from '../vocabulary';
import { engagementInstant } from './case.service';
import { randomToken } from './tokens';
import { formatReference, newCaseRow } from './case-row';
import type { ImportResult, PlannedCase, PlannedEngagement } from './import-plan';
import { businessDaysBetween } from './time';

/** The name an account made for an e-mail gets: "dana.whitfield@…" → "Dana Whitfield". */
export const nameFromEmail = (email: string) =>
  email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ') || email;

/** The idempotency key an imported case is kept under. */
export const caseKeyOf = (c: PlannedCase) => `import:${c.key}`;

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

/** The first delivered engagement of a new case, as firstDeliveredEngagement orders them (date, then start time or noon). */
function firstDelivered(c: PlannedCase) {
  const at = (e: PlannedEngagement) => `${e.date} ${e.start_time ?? '12:00'}`;
  return c.engagements.filter((e) => e.status === 'delivered').sort((x, y) => (at(x) < at(y) ? -1 : at(x) > at(y) ? 1 : 0))[0];
}

/**
 * Writes one batch of cases, in file order: the accounts it names that do not exist yet, the new
 * cases with their references, topics and first event, then their new engagements with their
 * consultants, states, topics and events. Returns the ids of the cases it touched.
 */
export async function importBatch(
  trx: Tx,
  batch: PlannedCase[],
  ctx: {
    users: Map<string, number>;
    existingCases: Map<string, number>;
    existingEngagements: Map<string, number>;
    result: ImportResult;
    options: { source?: string; today: string; timeZone: string };
  },
): Promise<number[]> {
  const { users, existingCases, existingEngagements, result, options } = ctx;
  const newCases = batch.filter((c) => !existingCases.has(caseKeyOf(c)));
  const newEngagements = (c: PlannedCase) => c.engagements.filter((e) => !existingEngagements.has(e.key));
  result.skipped.cases += batch.length - newCases.length;

  // Consultants named in old records but without an account get an inactive one, in the order first named.
  const missing: string[] = [];
  const need = (email: string | null) => {
    if (email && !users.has(email) && !missing.includes(email)) missing.push(email);
  };
  for (const c of batch) {
    if (!existingCases.has(caseKeyOf(c))) need(c.lead);
    for (const e of newEngagements(c)) e.consultants.forEach(need);
  }
  if (missing.length) {
    const at = nowIso();
    const made = await insertUsers(
      trx,
      missing.map((email) => ({
        email,
        name: nameFromEmail(email),
        role: 'consultant' as const,
        password_hash: null,
        active: false,
        capacity: 0,
        created_at: at,
        updated_at: at,
      })),
    );
    for (const email of missing) users.set(email, made.get(email) as number);
    result.created.consultants += missing.length;
    result.accounts.push(...missing.map((email) => ({ email, name: nameFromEmail(email) })));
  }

  // References by year in file order, taken a block per year.
  const nextOfYear = new Map<number, number>();
  for (const c of newCases) nextOfYear.set(Number(c.submitted.slice(0, 4)), (nextOfYear.get(Number(c.submitted.slice(0, 4))) ?? 0) + 1);
  for (const [year, count] of nextOfYear) nextOfYear.set(year, await takeReferenceNumbers(trx, year, count));
  const at = nowIso();
  const made = newCases.map((c) => {
    const year = Number(c.submitted.slice(0, 4));
    const number = nextOfYear.get(year) as number;
    nextOfYear.set(year, number + 1);
    const lead = c.lead ? (users.get(c.lead) as number) : null;
    const delivered = c.engagements
      .filter((e) => e.status === 'delivered')
      .map((e) => e.date)
      .sort();
    // Worked out from the engagements: a case with delivered work is finished unless more is
    // still scheduled from today on, in which case the work is under way.
    const upcoming = c.engagements.some((e) => e.status === 'scheduled' && e.date >= options.today);
    const status: CaseStatus =
      (c.status as CaseStatus | null) ?? (delivered.length ? (upcoming ? 'in_progress' : 'completed') : lead ? 'assigned' : 'new');
    const first = firstDelivered(c);
    const reference = formatReference(year, number);
    const row = {
      ...importedCaseRow(c, { reference, status, lead, lastDelivered: delivered[delivered.length - 1], at }, options),
      // Derived from the delivered engagements, as for any case (see noteEngagementChange).
      first_engagement_at: first ? engagementInstant(first, options.timeZone).toISOString() : null,
    };
    return { c, reference, status, row };
  });
  const caseIds = await insertImportedCases(
    trx,
    made.map((m) => m.row),
  );
  const idOf = (c: PlannedCase) => (existingCases.get(caseKeyOf(c)) ?? caseIds.get(caseKeyOf(c))) as number;
  await insertCaseTopicRows(
    trx,
    newCases.flatMap((c) => c.topic_ids.map((topic_id) => ({ case_id: idOf(c), topic_id }))),
  );
  await insertCaseEvents(
    trx,
    made.map(({ c, reference, status }) => ({
      case_id: idOf(c),
      actor_kind: 'system' as const,
      kind: 'case.created',
      after: { reference, source: 'import', file: options.source ?? null, case_key: c.key, status },
      created_at: at,
    })),
  );
  result.created.cases += newCases.length;

  const engagements = batch.flatMap((c) => newEngagements(c).map((e) => ({ c, e })));
  result.skipped.engagements += batch.reduce((n, c) => n + c.engagements.length, 0) - engagements.length;
  const engagementIds = await insertImportedEngagements(
    trx,
    engagements.map(({ c, e }) => {
      const [year, month] = e.date.split('-').map(Number);
      return {
        case_id: idOf(c),
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
        import_key: e.key,
      };
    }),
  );
  const idOfEngagement = (e: PlannedEngagement) => engagementIds.get(e.key) as number;
  await insertEngagementChildRows(trx, {
    consultants: engagements.flatMap(({ e }) =>
      [...new Set(e.consultants.map((email) => users.get(email) as number))].map((user_id) => ({
        engagement_id: idOfEngagement(e),
        user_id,
      })),
    ),
    jurisdictions: engagements.flatMap(({ e }) =>
      e.jurisdictions.map((jurisdiction_code) => ({
        engagement_id: idOfEngagement(e),
        jurisdiction_code,
        status: e.status,
        date: e.date,
        year: Number(e.date.slice(0, 4)),
      })),
    ),
    topics: engagements.flatMap(({ e }) => e.topic_ids.map((topic_id) => ({ engagement_id: idOfEngagement(e), topic_id }))),
  });
  await insertCaseEvents(
    trx,
    engagements.map(({ c, e }) => ({
      case_id: idOf(c),
      actor_kind: 'system' as const,
      kind: 'engagement.added',
      after: { engagement_id: idOfEngagement(e), date: e.date, status: e.status, source: 'import' },
      created_at: at,
    })),
  );
  result.created.engagements += engagements.length;

  // A case imported before that gets new engagements now: its first engagement time is derived
  // again from all of its delivered engagements. One imported before with nothing added is left as it is.
  for (const c of batch) {
    if (!existingCases.has(caseKeyOf(c)) || !newEngagements(c).length) continue;
    const first = await firstDeliveredEngagement(trx, idOf(c));
    await updateCase(trx, idOf(c), { first_engagement_at: first ? engagementInstant(first, options.timeZone).toISOString() : null });
  }
  return batch.map(idOf);
}
