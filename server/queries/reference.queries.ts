import { currentDatabase, db, Queryable, reads, readTogether } from '../db';
import { bool } from '../values';

interface Jurisdiction {
  code: string;
  name: string;
  fips: string;
  kind: 'state' | 'district' | 'territory';
  tile_row: number;
  tile_col: number;
}

export interface Topic {
  id: number;
  slug: string;
  name: string;
  active: boolean;
  position: number;
}

// The 56 jurisdictions are reference data seeded at start and never changed by the app, yet
// nearly every page lists them: read once per database and kept.
const jurisdictionLists = new WeakMap<object, Promise<Jurisdiction[]>>();

/** All 56 jurisdictions, by name. */
export async function listJurisdictions(q: Queryable = db): Promise<Jurisdiction[]> {
  const database = currentDatabase();
  if (q !== db && q !== database) return q('jurisdictions').orderBy('name');
  let list = jurisdictionLists.get(database);
  if (!list) {
    const read: Promise<Jurisdiction[]> = Promise.resolve(database('jurisdictions').orderBy('name'));
    list = read;
    jurisdictionLists.set(database, read);
    // A failed read (database down) or one before seeding is not remembered.
    read.then(
      (rows) => rows.length || jurisdictionLists.delete(database),
      () => jurisdictionLists.delete(database),
    );
  }
  return list;
}

export async function findJurisdiction(code: string, q: Queryable = reads): Promise<Jurisdiction | undefined> {
  return q('jurisdictions').where({ code }).first();
}

/** Topics in display order; retired ones only when asked. */
export async function listTopics(options: { includeRetired?: boolean } = {}, q: Queryable = reads): Promise<Topic[]> {
  const query = q('topics').orderBy('position').orderBy('name');
  if (!options.includeRetired) query.where({ active: true });
  return (await query).map((t: Topic) => ({ ...t, active: bool(t.active) }));
}

/**
 * What an engagement form chose, read at once: whether each chosen staff member is active (by id;
 * an unknown id is missing), and the active topics with the chosen slugs.
 */
export async function chosenStaffAndTopics(
  staffIds: number[],
  topicSlugs: string[],
  q: Queryable = reads,
): Promise<{ staff: Map<number, { active: boolean }>; topics: Topic[] }> {
  const [staff, topics] = await readTogether(q, [
    (): Promise<{ id: unknown; active: unknown }[]> =>
      staffIds.length ? q('users').whereIn('id', staffIds).select('id', 'active') : Promise.resolve([]),
    () => activeTopicsBySlug(topicSlugs, q),
  ] as const);
  return { staff: new Map(staff.map((u) => [Number(u.id), { active: bool(u.active) }])), topics };
}

/** The active topics with these slugs. */
export async function activeTopicsBySlug(slugs: string[], q: Queryable = reads): Promise<Topic[]> {
  if (!slugs.length) return [];
  return q('topics').whereIn('slug', slugs).andWhere({ active: true });
}
