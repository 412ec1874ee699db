import { Queryable, reads } from '../db';
import { bool, num } from '../values';
import type { Topic } from './reference.queries';

/** Every topic, active first in display order, with how many cases and engagements carry it. */
export async function topicsWithUse(q: Queryable = reads): Promise<(Topic & { cases: number; engagements: number })[]> {
  const rows = await q('topics as t')
    .select(
      't.id',
      't.slug',
      't.name',
      't.active',
      't.position',
      q.raw('(select count(*) from case_topics ct where ct.topic_id = t.id) as cases'),
      q.raw('(select count(*) from engagement_topics et where et.topic_id = t.id) as engagements'),
    )
    .orderBy('t.position')
    .orderBy('t.name');
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as Topic),
    active: bool(r.active),
    cases: num(r.cases),
    engagements: num(r.engagements),
  }));
}

export async function findTopicById(id: number, q: Queryable = reads): Promise<Topic | undefined> {
  const row = await q('topics').where({ id }).first();
  return row ? { ...row, active: bool(row.active) } : undefined;
}

/** A topic with this name, whatever its case, other than `exceptId`. */
export async function findTopicByName(name: string, exceptId: number | null, q: Queryable = reads): Promise<Topic | undefined> {
  const query = q('topics').whereRaw('lower(name) = ?', [name.toLowerCase()]);
  if (exceptId !== null) query.whereNot('id', exceptId);
  return query.first();
}

export async function slugTaken(slug: string, q: Queryable = reads): Promise<boolean> {
  return Boolean(await q('topics').where({ slug }).first('id'));
}

/** The position after the last topic, so that a new one is listed last. */
export async function nextTopicPosition(q: Queryable = reads): Promise<number> {
  const [row] = await q('topics').max({ m: 'position' });
  return num(row?.m ?? 0) + 1;
}

export async function insertTopic(
  q: Queryable,
  row: { slug: string; name: string; active: boolean; position: number; created_at: string; updated_at: string },
): Promise<number> {
  const [inserted] = await q('topics').insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}

export async function updateTopic(
  q: Queryable,
  id: number,
  changes: Partial<{ name: string; active: boolean; updated_at: string }>,
): Promise<void> {
  await q('topics').where({ id }).update(changes);
}
