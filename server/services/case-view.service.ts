import type { Config } from '../config';
import { toDate } from '../values';
import { isId } from '../ids';
import { MATCH_END, MATCH_START, SearchMatch, searchMatchesOf } from '../queries/search.queries';
import { CaseRow, caseEvents, caseMessages, caseNotes, supporterIds, topicsOfCase } from '../queries/case.queries';
import { CaseListFilters, SORTS, SortKey, listCases } from '../queries/case-list.queries';
import { assignmentCandidates } from '../queries/consultant.queries';
import { listJurisdictions } from '../queries/reference.queries';
import { findUserById, listUserNames } from '../queries/user.queries';
import { CaseStatus, STATUSES } from '../vocabulary';
import { Staff } from './case.service';
import { rankConsultants } from './suggestion.service';
import { describeEvent } from './timeline';
import { MOVES, mayMake } from './workflow';
import { businessDaysBefore, businessDaysBetween } from './time';

export const PER_PAGE = 25;

interface ListQuery {
  filters: CaseListFilters;
  sort: SortKey;
  page: number;
  overdue: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined);

/** Reads the list's filters from a query string, ignoring anything malformed. */
export function parseListQuery(
  query: Record<string, unknown>,
  user: Staff,
  config: Pick<Config, 'responseTargetBusinessDays' | 'timeZone'>,
  now = new Date(),
): ListQuery {
  // Own keys only: `toString` or `constructor` are "in" any object, and would pass for a status or a sort.
  const statuses = ([] as unknown[])
    .concat(query.status ?? [])
    .map(String)
    .filter((s) => Object.hasOwn(STATUSES, s));
  const consultant = Number(query.consultant);
  const overdue = query.overdue === '1' || query.overdue === 'true';
  const sort = (str(query.sort) ?? 'submitted_desc') as SortKey;
  const page = Math.max(1, Math.min(10_000, Number.parseInt(String(query.page ?? '1'), 10) || 1));
  const jurisdiction = str(query.jurisdiction)?.toUpperCase();
  return {
    filters: {
      status: statuses.length ? statuses : undefined,
      jurisdiction: jurisdiction && /^[A-Z]{2}$/.test(jurisdiction) ? jurisdiction : undefined,
      track: str(query.track),
      topic: str(query.topic),
      // In the id columns' range: a larger number would make PostgreSQL fail the query.
      consultant: isId(consultant) ? consultant : undefined,
      overdueBefore: overdue ? businessDaysBefore(now, config.responseTargetBusinessDays, config.timeZone).toISOString() : undefined,
      q: str(query.q),
      visibleTo: user.role === 'consultant' ? user.id : undefined,
    },
    sort: Object.hasOwn(SORTS, sort) ? sort : 'submitted_desc',
    page,
    overdue,
  };
}

/** One page of the case list (the last one if asked for a page past it), each row with its age in business days and whether it is overdue. */
export async function caseListPage(lq: ListQuery, config: Pick<Config, 'responseTargetBusinessDays' | 'timeZone'>, now = new Date()) {
  let page = lq.page;
  let { rows, total } = await listCases(lq.filters, lq.sort, page, PER_PAGE);
  // A page past the last (an old link, a typed URL) shows the last page rather than an empty one.
  const last = Math.max(1, Math.ceil(total / PER_PAGE));
  if (page > last) {
    page = last;
    ({ rows, total } = await listCases(lq.filters, lq.sort, page, PER_PAGE));
  }
  const matches = lq.filters.q
    ? await searchMatchesOf(
        rows.map((r) => Number(r.id)),
        lq.filters.q,
      )
    : new Map();
  return {
    rows: rows.map((r) => {
      // A closed case stops ageing: its age is counted to the day it was closed.
      const age = businessDaysBetween(toDate(r.submitted_at) as Date, toDate(r.closed_at) ?? now, config.timeZone);
      return {
        ...r,
        statusLabel: STATUSES[r.status as CaseStatus],
        ageDays: age,
        overdue: r.status === 'new' && age >= config.responseTargetBusinessDays,
        match: matchView(matches.get(Number(r.id))),
      };
    }),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PER_PAGE)),
  };
}

const MATCH_SOURCES = { engagement: 'In an engagement summary', note: 'In an internal note', consultant: 'Consultant' } as const;

/** A full-text match as the list shows it: where, and the text in pieces, the matched ones marked. */
function matchView(match: SearchMatch | undefined) {
  if (!match) return undefined;
  const parts = match.snippet.split(MATCH_START).flatMap((piece, i) => {
    if (i === 0) return [{ text: piece, hit: false }];
    const [hit, rest = ''] = piece.split(MATCH_END);
    return [
      { text: hit, hit: true },
      { text: rest, hit: false },
    ];
  });
  return { where: MATCH_SOURCES[match.source], parts: parts.filter((p) => p.text) };
}

/** How many new cases have waited past the response target (all of them, not one page's worth). */
export async function overdueNewCount(
  user: Staff,
  config: Pick<Config, 'responseTargetBusinessDays' | 'timeZone'>,
  now = new Date(),
): Promise<number> {
  const lq = parseListQuery({ status: 'new', overdue: '1' }, user, config, now);
  return (await listCases(lq.filters, lq.sort, 1, 1)).total;
}

/** Everything the case page shows, with the actions this user may take. */
export async function caseDetail(kase: CaseRow, user: Staff) {
  // Every read at once: under load, the page then waits its turn for the database once, not once per read.
  const [topics, supporters, events, notes, messages, jurisdictions, lead, candidates, users] = await Promise.all([
    topicsOfCase(kase.id),
    supporterIds(kase.id),
    caseEvents(kase.id),
    caseNotes(kase.id),
    caseMessages(kase.id),
    listJurisdictions(),
    kase.lead_consultant_id ? findUserById(kase.lead_consultant_id) : Promise.resolve(undefined),
    user.role === 'director' ? assignmentCandidates(kase.jurisdiction_code, kase.id) : Promise.resolve([]),
    listUserNames(),
  ]);
  const jurisdictionName = jurisdictions.find((j) => j.code === kase.jurisdiction_code)?.name ?? kase.jurisdiction_code;
  // The suggestions and the staff to choose from are a director's (empty for a consultant).
  const suggestions = rankConsultants(candidates, topics, jurisdictionName);
  const staff = candidates.map((c) => ({ id: c.id, name: c.name }));
  const names = new Map(users.map((u) => [u.id, u.name]));
  const userName = (id: unknown) => names.get(Number(id)) ?? `user ${String(id)}`;
  const supporterNames = supporters.map((id) => ({ id, name: userName(id) }));
  const moves = MOVES[kase.status as CaseStatus].filter((m) => m.to !== 'assigned' && mayMake(m, user.role));
  return {
    topics,
    jurisdictionName,
    lead,
    supporters: supporterNames.filter(Boolean),
    supporterIds: supporters,
    events: events.map((e) =>
      describeEvent(
        { ...e, before: e.before_json ? JSON.parse(e.before_json) : null, after: e.after_json ? JSON.parse(e.after_json) : null },
        userName,
      ),
    ),
    notes,
    messages,
    suggestions,
    staff,
    moves,
  };
}

/** The active staff as a select's options (a lead to choose, a consultant to filter by), by name. */
export async function activeStaffOptions(): Promise<{ value: string; label: string }[]> {
  return (await listUserNames()).filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }));
}
