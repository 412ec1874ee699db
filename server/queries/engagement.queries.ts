import type { Knex } from 'knex';
import { Queryable, reads, readTogether } from '../db';
import { forUpdate } from '../db-sql';
import { isId } from '../ids';
import { num } from '../values';
import type { Attendee } from '../schemas/engagement.schemas';

export interface EngagementRow {
  id: number;
  /** Goes up by one with every change (the edit form's conflict check). */
  version?: number;
  case_id: number;
  date: string;
  start_time: string | null;
  year: number;
  month: number;
  duration_minutes: number;
  format: string;
  status: string;
  participant_count: number;
  summary: string | null;
  follow_up_actions: string | null;
  follow_up_date: string | null;
  location?: string | null;
  meeting_url?: string | null;
  /** The calendar SEQUENCE: raised at each move or cancellation. */
  sequence?: number;
  created_by: number | null;
  created_at: string | Date;
  updated_at: string | Date;
}

export interface EngagementChildren {
  consultant_ids: number[];
  jurisdictions: string[];
  topic_ids: number[];
  attendees: Attendee[];
}

export type EngagementFull = EngagementRow & EngagementChildren & { topics: string[] };

/** Inserts an engagement row and returns its id. */
export async function insertEngagement(q: Queryable, row: Omit<EngagementRow, 'id'>): Promise<number> {
  const [inserted] = await q('engagements').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

/** Changes an engagement; its version goes up by one with every change, for the edit form's conflict check. */
export async function updateEngagementRow(q: Queryable, id: number, changes: Partial<EngagementRow>): Promise<void> {
  await q('engagements')
    .where({ id })
    .update({ ...changes, version: q.raw('version + 1') });
}

/** Replaces the consultants, jurisdictions (with the copied status/date/year), topics and attendees. */
export async function replaceChildren(
  q: Queryable,
  row: Pick<EngagementRow, 'id' | 'status' | 'date' | 'year'>,
  children: EngagementChildren,
): Promise<void> {
  const engagement_id = row.id;
  for (const table of ['engagement_consultants', 'engagement_jurisdictions', 'engagement_topics', 'engagement_attendees']) {
    await q(table).where({ engagement_id }).delete();
  }
  await insertChildren(q, row, children);
}

/** The consultants, jurisdictions (with the copied status/date/year), topics and attendees of an engagement just inserted (it has none yet). */
export async function insertChildren(
  q: Queryable,
  row: Pick<EngagementRow, 'id' | 'status' | 'date' | 'year'>,
  children: EngagementChildren,
): Promise<void> {
  const engagement_id = row.id;
  if (children.consultant_ids.length)
    await q('engagement_consultants').insert(children.consultant_ids.map((user_id) => ({ engagement_id, user_id })));
  if (children.jurisdictions.length) {
    await q('engagement_jurisdictions').insert(
      children.jurisdictions.map((jurisdiction_code) => ({
        engagement_id,
        jurisdiction_code,
        status: row.status,
        date: row.date,
        year: row.year,
      })),
    );
  }
  if (children.topic_ids.length) await q('engagement_topics').insert(children.topic_ids.map((topic_id) => ({ engagement_id, topic_id })));
  if (children.attendees.length) {
    await q('engagement_attendees').insert(
      children.attendees.map((a) => ({ engagement_id, name: a.name, role: a.role ?? null, jurisdiction_code: a.jurisdiction ?? null })),
    );
  }
}

function normalize(row: EngagementRow): EngagementRow {
  return {
    ...row,
    id: Number(row.id),
    case_id: Number(row.case_id),
    duration_minutes: num(row.duration_minutes),
    participant_count: num(row.participant_count),
    sequence: num(row.sequence),
    year: num(row.year),
    month: num(row.month),
  };
}

/** Engagements with their children, in date order. */
async function withChildren(rows: EngagementRow[], q: Queryable): Promise<EngagementFull[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const lists = [
    () => q('engagement_consultants').whereIn('engagement_id', ids).select('engagement_id', 'user_id'),
    () =>
      q('engagement_jurisdictions').whereIn('engagement_id', ids).orderBy('jurisdiction_code').select('engagement_id', 'jurisdiction_code'),
    () =>
      q('engagement_topics')
        .join('topics', 'topics.id', 'engagement_topics.topic_id')
        .whereIn('engagement_id', ids)
        .orderBy('topics.position')
        .select('engagement_id', 'topic_id', 'topics.slug'),
    () =>
      q('engagement_attendees').whereIn('engagement_id', ids).orderBy('id').select('engagement_id', 'name', 'role', 'jurisdiction_code'),
  ];
  type Linked = { engagement_id: unknown } & Record<string, unknown>;
  const [consultants, jurisdictions, topics, attendees] = (await readTogether(q, lists)) as Linked[][];
  const of = <T extends { engagement_id: unknown }>(list: T[], id: number) => list.filter((x) => Number(x.engagement_id) === id);
  return rows.map((r) => {
    const row = normalize(r);
    return {
      ...row,
      consultant_ids: of(consultants, row.id).map((c) => Number(c.user_id)),
      jurisdictions: of(jurisdictions, row.id).map((j) => j.jurisdiction_code as string),
      topic_ids: of(topics, row.id).map((t) => Number(t.topic_id)),
      topics: of(topics, row.id).map((t) => t.slug as string),
      attendees: of(attendees, row.id).map((a) => ({
        name: a.name as string,
        ...(a.role ? { role: a.role as string } : {}),
        ...(a.jurisdiction_code ? { jurisdiction: a.jurisdiction_code as string } : {}),
      })),
    };
  });
}

/** An engagement with its children. */
export async function findEngagement(id: number, q: Queryable = reads): Promise<EngagementFull | undefined> {
  // Past the integer column's range PostgreSQL raises an error rather than finding nothing.
  if (!isId(id)) return undefined;
  const row = await q('engagements').where({ id }).first();
  return row ? (await withChildren([row], q))[0] : undefined;
}

/** The engagement, its row locked until the transaction ends (on PostgreSQL), so that what a write depends on cannot change meanwhile. */
export async function lockEngagement(trx: Knex.Transaction, id: number): Promise<EngagementFull | undefined> {
  if (!isId(id)) return undefined;
  const row = await forUpdate(trx('engagements').where({ id })).first();
  return row ? (await withChildren([row], trx))[0] : undefined;
}

/** A case's engagements with their children, in date and time order. */
export async function engagementsOfCase(caseId: number, q: Queryable = reads): Promise<EngagementFull[]> {
  return withChildren(await q('engagements').where({ case_id: caseId }).orderBy('date').orderBy('start_time').orderBy('id'), q);
}

/** Deletes an engagement (its children go with it). */
export async function deleteEngagementRow(q: Queryable, id: number): Promise<void> {
  await q('engagements').where({ id }).delete();
}

/** The earliest delivered engagement of a case (by date, then start time; no time counts as midday). */
export async function firstDeliveredEngagement(
  q: Queryable,
  caseId: number,
): Promise<{ date: string; start_time: string | null } | undefined> {
  return q('engagements')
    .where({ case_id: caseId, status: 'delivered' })
    .orderBy('date', 'asc')
    .orderByRaw("coalesce(start_time, '12:00') asc")
    .first('date', 'start_time');
}

/** A case's engagements still scheduled (rows only), in date order. */
export async function scheduledEngagementsOfCase(caseId: number, q: Queryable = reads): Promise<EngagementRow[]> {
  const rows: EngagementRow[] = await q('engagements').where({ case_id: caseId, status: 'scheduled' }).orderBy('date').orderBy('id');
  return rows.map(normalize);
}

/**
 * Sets the status copied onto an engagement's jurisdiction rows (kept there so that coverage
 * counts need no join), as when the engagement is cancelled.
 */
export async function setJurisdictionCopiesStatus(q: Queryable, engagementId: number, status: string): Promise<void> {
  await q('engagement_jurisdictions').where({ engagement_id: engagementId }).update({ status });
}

/** True when the case is a cohort's or a network event's (its meetings are kept from the program pages). */
export async function belongsToProgram(caseId: number, q: Queryable = reads): Promise<boolean> {
  const [cohort, event] = await Promise.all([
    q('cohorts').where({ case_id: caseId }).first('id'),
    q('network_event_cases').where({ case_id: caseId }).first('id'),
  ]);
  return Boolean(cohort || event);
}

/** An engagement's row and its facilitators' ids (what its calendar file and mail need). */
export async function engagementWithConsultants(
  id: number,
  q: Queryable = reads,
): Promise<(EngagementRow & { consultant_ids: number[] }) | undefined> {
  if (!isId(id)) return undefined;
  const row: EngagementRow | undefined = await q('engagements').where({ id }).first();
  if (!row) return undefined;
  const consultants: { user_id: unknown }[] = await q('engagement_consultants').where({ engagement_id: id }).select('user_id');
  return { ...normalize(row), consultant_ids: consultants.map((c) => Number(c.user_id)) };
}

/** The names and addresses of those among these staff members who are still active. */
export async function activeStaffAmong(userIds: number[], q: Queryable = reads): Promise<{ name: string; email: string }[]> {
  if (!userIds.length) return [];
  return q('users').whereIn('id', userIds).andWhere('active', true).select('name', 'email');
}
