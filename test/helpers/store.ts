import assert from 'node:assert/strict';
import type { Knex } from 'knex';

/** What a submission can write: the rows of intake and the reference counters, to compare before and after. */
interface IntakeSnapshot {
  cases: number;
  case_topics: number;
  case_events: number;
  reference_counters: { year: number; last: number }[];
}

export async function countRows(knex: Knex, table: string): Promise<number> {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

export async function intakeSnapshot(knex: Knex): Promise<IntakeSnapshot> {
  const counters = await knex('reference_counters').select('year', 'last').orderBy('year');
  return {
    cases: await countRows(knex, 'cases'),
    case_topics: await countRows(knex, 'case_topics'),
    case_events: await countRows(knex, 'case_events'),
    reference_counters: counters.map((r) => ({ year: Number(r.year), last: Number(r.last) })),
  };
}

/** Runs `act` and asserts that it stored nothing: no case, topic link, event or reference number. */
export async function assertStoresNothing<T>(knex: Knex, act: () => Promise<T>): Promise<T> {
  const before = await intakeSnapshot(knex);
  const result = await act();
  assert.deepEqual(await intakeSnapshot(knex), before, 'the submission changed the stored data');
  return result;
}

/** The last reference number taken this year (0 when none). */
export async function lastReferenceNumber(knex: Knex, year: number): Promise<number> {
  const row = await knex('reference_counters').where({ year }).first();
  return row ? Number(row.last) : 0;
}

/** The ids of topics by slug. */
export async function topicIds(knex: Knex, slugs: string[]): Promise<number[]> {
  const rows = await knex('topics').whereIn('slug', slugs).select('id');
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Retires a topic for the length of `act`, then brings it back. */
export async function withRetiredTopic<T>(knex: Knex, slug: string, act: () => Promise<T>): Promise<T> {
  const updated = await knex('topics').where({ slug }).update({ active: false });
  assert.equal(updated, 1, `no topic ${slug} to retire`);
  try {
    return await act();
  } finally {
    await knex('topics').where({ slug }).update({ active: true });
  }
}
