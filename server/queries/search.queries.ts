import type { Knex } from 'knex';
import { Queryable, rawRows, reads } from '../db';
import { fullTextHitsSql, likeOperator, likePattern, searchWords } from '../db-sql';

// The marks around matched words in a snippet, for the list to show them (the engine's own markers).
export { MATCH_END, MATCH_START } from '../db-sql';

/** Where the search text was found, for the case list to show under a case. */
export interface SearchMatch {
  source: 'engagement' | 'note' | 'consultant';
  /** The text around the match, the matched words between MATCH_START and MATCH_END. */
  snippet: string;
}

const CASE_COLUMNS = ['cases.reference', 'cases.title', 'cases.requester_name', 'cases.requester_email', 'cases.organization_name'];

/**
 * Restricts a query on `cases` to those the search text finds: the text anywhere in the case's
 * reference, title, requester, e-mail or organization (a literal substring), or all its words in
 * an engagement summary, an internal note, or the name of a consultant on the case (full text).
 */
export function whereSearchMatches(query: Knex.QueryBuilder, text: string, q: Queryable = reads): Knex.QueryBuilder {
  const op = likeOperator(q);
  const pattern = likePattern(text);
  const words = searchWords(text);
  return query.where((w) => {
    for (const col of CASE_COLUMNS) w.orWhereRaw(`?? ${op} ? escape '\\'`, [col, pattern]);
    if (!words.length) return;
    const hits = fullTextHitsSql(words, q);
    const people = 'SELECT h.user_id FROM (?) h WHERE h.user_id IS NOT NULL';
    w.orWhereRaw('cases.id IN (SELECT h.case_id FROM (?) h WHERE h.case_id IS NOT NULL)', [hits]);
    w.orWhereRaw(`cases.lead_consultant_id IN (${people})`, [hits]);
    w.orWhereRaw(`EXISTS (SELECT 1 FROM case_supporters cs WHERE cs.case_id = cases.id AND cs.user_id IN (${people}))`, [hits]);
    w.orWhereRaw(
      `EXISTS (SELECT 1 FROM engagements se JOIN engagement_consultants sc ON sc.engagement_id = se.id WHERE se.case_id = cases.id AND sc.user_id IN (${people}))`,
      [hits],
    );
  });
}

/** For the cases shown, where the full-text search found each (the first match), by case id. */
export async function searchMatchesOf(caseIds: number[], text: string, q: Queryable = reads): Promise<Map<number, SearchMatch>> {
  const out = new Map<number, SearchMatch>();
  const words = searchWords(text);
  if (!caseIds.length || !words.length) return out;
  const rows = rawRows<{ case_id: unknown; user_id: unknown; source: string; snippet: string }>(await fullTextHitsSql(words, q));
  const wanted = new Set(caseIds);
  const people = new Map<number, string>();
  for (const r of rows) {
    if (r.user_id !== null && r.user_id !== undefined) people.set(Number(r.user_id), r.snippet);
    else if (wanted.has(Number(r.case_id)) && !out.has(Number(r.case_id)))
      out.set(Number(r.case_id), { source: r.source as SearchMatch['source'], snippet: r.snippet });
  }
  if (!people.size) return out;
  const ids = [...people.keys()];
  const onCase = await q
    .select('cases.id as case_id', 'cases.lead_consultant_id as user_id')
    .from('cases')
    .whereIn('cases.id', caseIds)
    .whereIn('cases.lead_consultant_id', ids)
    .unionAll((u) => u.select('case_id', 'user_id').from('case_supporters').whereIn('case_id', caseIds).whereIn('user_id', ids))
    .unionAll((u) =>
      u
        .select('e.case_id', 'c.user_id')
        .from('engagements as e')
        .join('engagement_consultants as c', 'c.engagement_id', 'e.id')
        .whereIn('e.case_id', caseIds)
        .whereIn('c.user_id', ids),
    );
  for (const r of onCase as { case_id: unknown; user_id: unknown }[]) {
    const caseId = Number(r.case_id);
    if (!out.has(caseId)) out.set(caseId, { source: 'consultant', snippet: people.get(Number(r.user_id)) ?? '' });
  }
  return out;
}
