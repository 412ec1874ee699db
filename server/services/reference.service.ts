import { listJurisdictions, listTopics } from '../queries/reference.queries';

/**
 * The reference lists that forms and filters offer (56 jurisdictions, the topics), for handlers:
 * they reach them through this service, not through queries/.
 */

/** The 56 jurisdictions, by name. */
export function jurisdictionList(): ReturnType<typeof listJurisdictions> {
  return listJurisdictions();
}

/** A jurisdiction's name by its code (AL → Alabama). */
export async function jurisdictionNames(): Promise<Map<string, string>> {
  return new Map((await listJurisdictions()).map((j) => [j.code, j.name]));
}

/** The topics, in their order; retired ones only when asked (filters of past reports). */
export function topicList(options: { includeRetired?: boolean } = {}): ReturnType<typeof listTopics> {
  return listTopics(options);
}
