import { Queryable, reads } from '../db';

/**
 * What the messages of an event are written from: the case with its jurisdiction's name, and the
 * people to write to. Read in the event's own transaction.
 */

/** A case's row and its jurisdiction's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a cases row as knex reads it
export async function caseToNotify(caseId: number, q: Queryable = reads): Promise<Record<string, any> | undefined> {
  return q('cases as c')
    .join('jurisdictions as j', 'j.code', 'c.jurisdiction_code')
    .where('c.id', caseId)
    .first('c.*', 'j.name as jurisdiction_name');
}

/** Whether the case is a cohort's or a year's network events case: the program's own work. */
export async function isProgramCase(caseId: number, q: Queryable = reads): Promise<boolean> {
  const [cohort, events] = await Promise.all([
    q('cohorts').where({ case_id: caseId }).first('id'),
    q('network_event_cases').where({ case_id: caseId }).first('id'),
  ]);
  return Boolean(cohort || events);
}

/** The addresses of the active directors. */
export async function activeDirectorEmails(q: Queryable = reads): Promise<string[]> {
  return (await q('users').where({ role: 'director', active: true }).select('email')).map((r) => String(r.email));
}

/** The addresses of a case's active lead and supporting consultants. */
export async function activeTeamEmails(caseId: number, leadId: number | null, q: Queryable = reads): Promise<string[]> {
  const rows = await q('users')
    .where('active', true)
    .andWhere((w) => w.where('id', leadId ?? 0).orWhereIn('id', q('case_supporters').where({ case_id: caseId }).select('user_id')))
    .select('email');
  return rows.map((r) => String(r.email));
}

/** Whether the requester already answered the case's feedback survey. */
export async function hasFeedback(caseId: number, q: Queryable = reads): Promise<boolean> {
  return Boolean(await q('feedback').where({ case_id: caseId }).first('id'));
}
