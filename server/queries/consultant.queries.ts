import { Queryable, reads, readTogether } from '../db';
import { num } from '../values';
import { WORKING_STATUSES } from '../vocabulary';

export interface Candidate {
  id: number;
  name: string;
  email: string;
  role: string;
  capacity: number;
  open_cases: number;
  topic_ids: number[];
  jurisdiction_cases: number;
}

/**
 * Each consultant's workload: how many cases they lead that are being worked on (WORKING_STATUSES),
 * by user id. A consultant who leads none is not in the map.
 */
export async function workloadByLead(q: Queryable = reads): Promise<Map<number, number>> {
  const rows: { lead_consultant_id: unknown; n: unknown }[] = await q('cases')
    .whereIn('status', WORKING_STATUSES)
    .whereNotNull('lead_consultant_id')
    .groupBy('lead_consultant_id')
    .select('lead_consultant_id')
    .count({ n: '*' });
  return new Map(rows.map((r) => [Number(r.lead_consultant_id), num(r.n)]));
}

/**
 * Every active staff member with what assignment suggestions weigh: expertise, open cases led,
 * and earlier cases (led or supported) in a jurisdiction.
 */
export async function assignmentCandidates(jurisdiction: string, excludeCaseId: number, q: Queryable = reads): Promise<Candidate[]> {
  const [users, topics, openBy, ledHere, supportedHere] = await readTogether(q, [
    (): Promise<{ id: unknown; name: string; email: string; role: string; capacity: unknown }[]> =>
      q('users').where({ active: true }).orderBy('name').select('id', 'name', 'email', 'role', 'capacity'),
    (): Promise<{ user_id: unknown; topic_id: unknown }[]> => q('user_topics').select('user_id', 'topic_id'),
    () => workloadByLead(q),
    (): Promise<{ uid: number; n: unknown }[]> =>
      q('cases')
        .where({ jurisdiction_code: jurisdiction })
        .whereNot('id', excludeCaseId)
        .whereNotNull('lead_consultant_id')
        .groupBy('lead_consultant_id')
        .select('lead_consultant_id as uid')
        .count({ n: '*' }) as never,
    (): Promise<{ uid: number; n: unknown }[]> =>
      q('case_supporters')
        .join('cases', 'cases.id', 'case_supporters.case_id')
        .where('cases.jurisdiction_code', jurisdiction)
        .whereNot('cases.id', excludeCaseId)
        .groupBy('case_supporters.user_id')
        .select('case_supporters.user_id as uid')
        .count({ n: '*' }) as never,
  ] as const);
  const hereBy = new Map<number, number>();
  for (const r of [...ledHere, ...supportedHere]) hereBy.set(Number(r.uid), (hereBy.get(Number(r.uid)) ?? 0) + num(r.n));
  return users.map((u) => ({
    id: Number(u.id),
    name: u.name,
    email: u.email,
    role: u.role,
    capacity: num(u.capacity),
    open_cases: openBy.get(Number(u.id)) ?? 0,
    topic_ids: topics.filter((t) => Number(t.user_id) === Number(u.id)).map((t) => Number(t.topic_id)),
    jurisdiction_cases: hereBy.get(Number(u.id)) ?? 0,
  }));
}
