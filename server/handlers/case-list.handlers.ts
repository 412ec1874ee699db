import type { Request, Response } from 'express';
import { pageNav } from './paging';
import { activeStaffOptions, caseListPage, overdueNewCount, parseListQuery, PER_PAGE } from '../services/case-view.service';
import { requestFormChoices } from '../services/request.service';
import { STATUSES, choices } from '../vocabulary';
import { actorOf, cfg } from './helpers';

/* The lists of cases: a staff member's cases (all of them for a director), and the triage of new ones. */

/** A link to the same list with some query parameters changed. */
function listHref(base: string, query: Record<string, unknown>, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    for (const item of ([] as unknown[]).concat(v)) if (typeof item === 'string' && item !== '') params.append(k, item);
  for (const [k, v] of Object.entries(changes)) {
    params.delete(k);
    if (v !== undefined) params.set(k, v);
  }
  const s = params.toString();
  return s ? `${base}?${s}` : base;
}

export async function index(req: Request, res: Response): Promise<void> {
  res.render('pages/cases/index', await indexLocals(req));
}

async function indexLocals(req: Request): Promise<Record<string, unknown>> {
  const user = actorOf(req);
  const lq = parseListQuery(req.query, user, cfg(req));
  const [{ rows, total, page, pages }, look, consultants] = await Promise.all([
    caseListPage(lq, cfg(req)),
    requestFormChoices(),
    user.role === 'director' ? activeStaffOptions() : Promise.resolve([]),
  ]);
  const query = req.query as Record<string, unknown>;
  return {
    title: user.role === 'director' ? 'All cases' : 'My cases',
    rows,
    total,
    ...pageNav(total, page, pages, PER_PAGE, (n) => listHref('/cases', query, { page: String(n) })),
    values: { ...query, status: lq.filters.status ?? [], overdue: lq.overdue ? '1' : '' },
    statuses: choices(STATUSES),
    consultants,
    isDirector: user.role === 'director',
    sorts: [
      { value: 'submitted_desc', label: 'Newest first' },
      { value: 'submitted_asc', label: 'Oldest first' },
      { value: 'deadline_asc', label: 'Deadline' },
      { value: 'reference_asc', label: 'Reference' },
      { value: 'status_asc', label: 'Status' },
      { value: 'jurisdiction_asc', label: 'State' },
    ],
    target: cfg(req).responseTargetBusinessDays,
    sortHeads: sortHeads(query, lq.sort),
    ...look,
  };
}

// The columns one can sort by from the table's head: each link keeps the filters (all in the URL)
// and turns the column's order around when it is already the sort.
const SORTABLE: { key: string; label: string; asc?: string; desc?: string }[] = [
  { key: 'reference', label: 'Reference', asc: 'reference_asc' },
  { key: 'state', label: 'State', asc: 'jurisdiction_asc' },
  { key: 'status', label: 'Status', asc: 'status_asc' },
  { key: 'submitted', label: 'Submitted', desc: 'submitted_desc', asc: 'submitted_asc' },
];

function sortHeads(query: Record<string, unknown>, sort: string) {
  return Object.fromEntries(
    SORTABLE.map((c) => {
      const current = sort === c.asc ? 'ascending' : sort === c.desc ? 'descending' : undefined;
      const next = current === 'descending' ? c.asc : current === 'ascending' && c.desc ? c.desc : (c.desc ?? c.asc);
      return [
        c.key,
        {
          label: c.label,
          sort: current,
          next: next === c.desc ? 'newest first' : 'ascending',
          href: listHref('/cases', query, { sort: next, page: undefined }),
        },
      ];
    }),
  );
}

export async function triage(req: Request, res: Response): Promise<void> {
  const lq = parseListQuery({ status: 'new', sort: 'submitted_asc', page: req.query.page }, actorOf(req), cfg(req));
  const [{ rows, total, page, pages }, overdueCount] = await Promise.all([
    caseListPage(lq, cfg(req)),
    overdueNewCount(actorOf(req), cfg(req)),
  ]);
  res.render('pages/cases/triage', {
    title: 'Triage',
    rows,
    total,
    ...pageNav(total, page, pages, PER_PAGE, (n) => `/cases/triage?page=${n}`),
    target: cfg(req).responseTargetBusinessDays,
    // Counted over every new case, not only this page's.
    overdueCount,
  });
}
