import type { Request, Response } from 'express';
import { toDate } from '../values';
import { ValidationError } from '../errors';
import { validateApiQuery } from '../schemas/api.schemas';
import { casesPage, deliveredEngagementsPage } from '../services/export.service';
import { PROGRAM_START, coverageReport, parseReportFilters } from '../services/report.service';
import { todayIn } from '../services/time';
import { actorOf, cfg } from './helpers';

/** RFC 8288 links to the first, previous, next and last pages of a list, keeping its filters. */
function setPageLinks(req: Request, res: Response, page: number, perPage: number, total: number): void {
  const last = Math.max(1, Math.ceil(total / perPage));
  const at = (n: number) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set('page', String(n));
    params.set('per_page', String(perPage));
    return `<${req.baseUrl}${req.path}?${params}>`;
  };
  const links = [`${at(1)}; rel="first"`, `${at(last)}; rel="last"`];
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`);
  res.set('Link', links.join(', '));
}

function query(req: Request) {
  const q = validateApiQuery({ ...(req.query as Record<string, unknown>) });
  const timeZone = cfg(req).timeZone;
  // The dashboard swaps a period given backwards and says so; an API client is told instead.
  const today = todayIn(timeZone);
  const from = q.from ?? PROGRAM_START;
  if ((q.to ?? today) < from) {
    throw new ValidationError([
      q.to
        ? { field: 'to', message: `to must be on or after from (${from})` }
        : { field: 'from', message: `from must be on or before to (today, ${today})` },
    ]);
  }
  const { filters, problems } = parseReportFilters(q, timeZone);
  if (problems.length) throw new ValidationError([{ field: 'to', message: problems.join(' ') }]);
  const page = q.page ?? 1;
  const perPage = q.per_page ?? 50;
  return { filters, page, perPage };
}

const iso = (v: unknown) => (v ? (toDate(v) as Date).toISOString() : null);

/** GET /api/v1/cases: cases submitted in the period, paged. */
export async function apiCases(req: Request, res: Response): Promise<void> {
  const { filters, page, perPage } = query(req);
  const { rows, total } = await casesPage(actorOf(req), filters, { page, perPage });
  setPageLinks(req, res, page, perPage, total);
  res.json({
    data: rows.map((r) => ({
      reference: r.reference,
      track: r.track,
      status: r.status,
      priority: r.priority,
      source: r.source,
      jurisdiction: r.jurisdiction_code,
      title: r.title,
      organization: r.organization_name,
      lead_consultant: r.lead_name ?? null,
      submitted_at: iso(r.submitted_at),
      first_assigned_at: iso(r.first_assigned_at),
      first_engagement_at: iso(r.first_engagement_at),
      closed_at: iso(r.closed_at),
    })),
    page,
    per_page: perPage,
    total,
    filters,
  });
}

const list = (v: unknown) => (typeof v === 'string' && v ? v.split('; ') : []);

/** GET /api/v1/engagements: the delivered engagements behind the dashboard, paged. */
export async function apiEngagements(req: Request, res: Response): Promise<void> {
  const { filters, page, perPage } = query(req);
  const { rows, total } = await deliveredEngagementsPage(actorOf(req), filters, { page, perPage });
  setPageLinks(req, res, page, perPage, total);
  res.json({
    data: rows.map((r) => ({
      id: Number(r.id),
      case_reference: r.reference,
      track: r.track,
      date: r.date,
      start_time: r.start_time ?? null,
      duration_minutes: Number(r.duration_minutes),
      format: r.format,
      status: r.status,
      participant_count: Number(r.participant_count),
      jurisdictions: list(r.jurisdictions),
      consultants: list(r.consultants),
      topics: list(r.topics),
    })),
    page,
    per_page: perPage,
    total,
    filters,
  });
}

/** GET /api/v1/reports/coverage: the dashboard's coverage figures, equal to the page's. */
export async function apiCoverage(req: Request, res: Response): Promise<void> {
  const { filters } = query(req);
  const f = await coverageReport(actorOf(req), filters);
  const row = (j: (typeof f.states)[number]) => ({
    code: j.code,
    name: j.name,
    kind: j.kind,
    served: Boolean(j.served),
    first_served: j.served?.first_served ?? null,
    last_served: j.served?.last_served ?? null,
    engagements: j.served?.engagements ?? 0,
    hours: j.served?.hours ?? 0,
    participants: j.served?.participants ?? 0,
  });
  res.json({
    filters,
    states_served: f.headline.statesServed,
    states_total: f.headline.statesTotal,
    territories_served: f.territories.filter((t) => t.served).map((t) => t.code),
    engagements: f.headline.engagements,
    hours: f.headline.hours,
    participants: f.headline.participants,
    open_cases: f.headline.openCases,
    jurisdictions: [...f.states, ...f.territories].map(row),
    new_to_leep: f.headline.newToLeep,
    // Jurisdiction counts (states_served, new_to_leep, by_year) are of the 50 states and DC; territories are listed apart.
    territories_in_counts: false,
    by_year: f.years.map((y) => ({
      year: y.year,
      states_served: y.served,
      new_to_leep: y.newly,
      newly_served: y.newly,
      served_cumulative: y.cumulative,
      engagements: y.engagements,
      hours: y.hours,
      participants: y.participants,
    })),
  });
}
