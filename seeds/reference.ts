import type { Knex } from 'knex';
import { JURISDICTIONS } from './data/jurisdictions';
import { TOPICS } from './data/topics';

/**
 * Inserts the jurisdictions and starting topics that are missing; re-runnable, and it never
 * overwrites a topic a director renamed or retired.
 */
export async function seedReferenceData(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    const haveCodes = new Set((await trx('jurisdictions').select('code')).map((r) => r.code as string));
    const missing = JURISDICTIONS.filter((j) => !haveCodes.has(j.code));
    if (missing.length) {
      await trx('jurisdictions').insert(
        missing.map((j) => ({ code: j.code, name: j.name, fips: j.fips, kind: j.kind, tile_row: j.row, tile_col: j.col })),
      );
    }
    const topicCount = Number((await trx('topics').count({ n: '*' }))[0].n);
    if (topicCount === 0) {
      const now = new Date().toISOString();
      await trx('topics').insert(
        TOPICS.map((t, i) => ({ slug: t.slug, name: t.name, active: true, position: i + 1, created_at: now, updated_at: now })),
      );
    }
  });
}
