import { Queryable, bool, db } from '../db';

export interface Jurisdiction {
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

/** All 56 jurisdictions, by name. */
export async function listJurisdictions(q: Queryable = db): Promise<Jurisdiction[]> {
  return q('jurisdictions').orderBy('name');
}

export async function findJurisdiction(code: string, q: Queryable = db): Promise<Jurisdiction | undefined> {
  return q('jurisdictions').where({ code }).first();
}

/** Topics in display order; retired ones only when asked. */
export async function listTopics(options: { includeRetired?: boolean } = {}, q: Queryable = db): Promise<Topic[]> {
  const query = q('topics').orderBy('position').orderBy('name');
  if (!options.includeRetired) query.where({ active: true });
  return (await query).map((t: Topic) => ({ ...t, active: bool(t.active) }));
}

/** The active topics with these slugs. */
export async function activeTopicsBySlug(slugs: string[], q: Queryable = db): Promise<Topic[]> {
  if (!slugs.length) return [];
  return q('topics').whereIn('slug', slugs).andWhere({ active: true });
}
