import type { Request, Response } from 'express';
import { toDate } from '../values';
import { AppError, NotFoundError } from '../errors';
import { tileMap, servedByYearChart } from '../services/charts';
import { casesExport, deliveredEngagementsExport, deliveredEngagementsPage } from '../services/export.service';
import { jurisdictionList, topicList } from '../services/reference.service';
import { ReportFilters, coverageReport, dashboardReport, filterParams, hoursOf, parseReportFilters } from '../services/report.service';
import { stateHistory } from '../services/state.service';
import { pageNav } from './paging';
import { FORMATS, OPEN_STATUSES, PRIORITIES, SOURCES, STATUSES, TRACKS, choices } from '../vocabulary';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { localDateTime } from '../services/time';
import { Column, csvHeaders, csvStream, csvText } from './csv';
import { actorOf, cfg } from './helpers';

/** The report filters of the query string; a date outside the years the app keeps answers 422, naming the field. */
function filtersOf(req: Request) {
  const parsed = parseReportFilters(req.query, cfg(req).timeZone);
  if (parsed.refused.length) throw new AppError(422, 'invalid_filter', parsed.refused.map((r) => `${r.message}.`).join(' '));
  return parsed;
}

/** The choices of the dashboard's filters: every jurisdiction, every topic (retired ones too), the consultants. */
function filterOptions(
  jurisdictions: { code: string; name: string }[],
  topics: { slug: string; name: string }[],
  consultants: { id: number; name: string }[],
) {
  return {
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    consultantOptions: consultants.map((u) => ({ value: String(u.id), label: u.name })),
    tracks: choices(TRACKS),
    formats: choices(FORMATS),
  };
}

/** GET /dashboard: coverage and activity under the filters, every figure linked to its rows. */
export async function dashboard(req: Request, res: Response): Promise<void> {
  const page = await dashboardPage(req);
  res.render(page.view, page.locals);
}

/** A page to render: its view and the view's values. */
interface PageSpec {
  view: string;
  locals: Record<string, unknown>;
}

async function dashboardPage(req: Request): Promise<PageSpec> {
  const { filters, problems } = filtersOf(req);
  const measure = req.query.measure === 'hours' ? 'hours' : 'engagements';
  const [{ figures, feedback, consultants }, jurisdictions, topics] = await Promise.all([
    dashboardReport(actorOf(req), filters, cfg(req)),
    jurisdictionList(),
    topicList({ includeRetired: true }),
  ]);
  const options = filterOptions(jurisdictions, topics, consultants);
  const tiles = [...figures.states, ...figures.territories].map((j) => ({
    code: j.code,
    name: j.name,
    row: j.tile_row,
    col: j.tile_col,
    value: j.served ? (measure === 'hours' ? j.served.hours : j.served.engagements) : 0,
  }));
  const map = tileMap(tiles, measure, (v) => v.toLocaleString('en-US'));
  const qs = filterParams(filters);
  const link = (path: string, changes: Partial<Record<keyof ReportFilters, string | number | undefined>> = {}) =>
    `${path}?${filterParams(filters, changes)}`;
  return {
    view: 'pages/reports/dashboard',
    locals: {
      title: 'Coverage and activity',
      feedback,
      filters,
      problems,
      measure,
      values: { ...filters, consultant: filters.consultant ? String(filters.consultant) : '' },
      ...figures,
      map: map.map,
      legend: map.legend,
      yearsChart: servedByYearChart(figures.years),
      qs,
      links: {
        engagements: link('/reports/engagements'),
        coverageCsv: link('/reports/coverage.csv'),
        engagementsCsv: link('/reports/engagements.csv'),
        casesCsv: link('/reports/cases.csv'),
        openCases: `/cases?${new URLSearchParams([
          ...OPEN_STATUSES.map((s): [string, string] => ['status', s]),
          ...(filters.track ? [['track', filters.track] as [string, string]] : []),
          ...(filters.jurisdiction ? [['jurisdiction', filters.jurisdiction] as [string, string]] : []),
          ...(filters.topic ? [['topic', filters.topic] as [string, string]] : []),
          ...(filters.consultant ? [['consultant', String(filters.consultant)] as [string, string]] : []),
        ]).toString()}`,
      },
      yearLinks: figures.years.map((y) => ({ ...y, href: link('/reports/engagements', { from: y.from, to: y.to }) })),
      trackLinks: figures.byTrack.map((r) => ({ ...r, href: link('/reports/engagements', { track: r.key }) })),
      formatLinks: figures.byFormat.map((r) => ({ ...r, href: link('/reports/engagements', { format: r.key }) })),
      // Under a topic (or consultant) filter, another topic's row counts engagements listing both,
      // which no list can show (it takes one topic): such a row gets no link rather than a wrong one.
      topicLinks: figures.byTopic.map((r) => ({
        ...r,
        href: !filters.topic || r.key === filters.topic ? link('/reports/engagements', { topic: r.key }) : undefined,
      })),
      consultantLinks: figures.byConsultant.map((r) => ({
        ...r,
        href: !filters.consultant || r.key === String(filters.consultant) ? link('/reports/engagements', { consultant: r.key }) : undefined,
      })),
      ...options,
    },
  };
}

const PER_PAGE = 50;

/** GET /reports/engagements: the delivered engagements behind a dashboard figure. */
export async function engagementList(req: Request, res: Response): Promise<void> {
  const { filters, problems } = filtersOf(req);
  // A page past the end (an old link, a typed number) shows the last page rather than nothing.
  const wanted = Number.parseInt(String(req.query.page ?? '1'), 10) || 1;
  const { rows, total, page, pages } = await deliveredEngagementsPage(actorOf(req), filters, {
    page: wanted,
    perPage: PER_PAGE,
    lastIfPast: true,
  });
  const qs = filterParams(filters);
  res.render('pages/reports/engagements', {
    title: 'Delivered engagements',
    filters,
    problems,
    rows: rows.map((r) => ({
      ...r,
      hours: hoursOf(Number(r.duration_minutes)),
      formatLabel: FORMATS[r.format as keyof typeof FORMATS],
    })),
    total,
    ...pageNav(total, page, pages, PER_PAGE, (n) => `/reports/engagements?${qs}&page=${n}`),
    csvHref: `/reports/engagements.csv?${qs}`,
    dashboardHref: `/dashboard?${qs}`,
  });
}

const KINDS: Record<string, string> = { state: 'State', district: 'District', territory: 'Territory' };
const word = (list: Record<string, string>, key: unknown) => list[String(key)] ?? String(key ?? '');

/** GET /reports/coverage.csv: one row per jurisdiction (57 at most). */
export async function coverageCsv(req: Request, res: Response): Promise<void> {
  const { filters } = filtersOf(req);
  const figures = await coverageReport(actorOf(req), filters);
  const text = csvText(
    [
      'Code',
      'State or jurisdiction',
      'Kind',
      'Served',
      'First served',
      'Last served',
      'Engagements (each counted under every state it lists)',
      'Hours',
      'Participants',
    ],
    [...figures.states, ...figures.territories].map((j) => [
      j.code,
      j.name,
      word(KINDS, j.kind),
      j.served ? 'Yes' : 'No',
      j.served?.first_served ?? '',
      j.served?.last_served ?? '',
      j.served?.engagements ?? 0,
      j.served?.hours ?? 0,
      j.served?.participants ?? 0,
    ]),
  );
  csvHeaders(res, `leep-coverage-${filters.from}-to-${filters.to}.csv`).send(text);
}

type Row = Record<string, unknown>;

const ENGAGEMENT_COLUMNS: readonly Column<Row>[] = [
  ['Engagement', (r) => r.id],
  ['Case reference', (r) => r.reference],
  ['Program', (r) => word(TRACKS, r.track)],
  ['Date', (r) => r.date],
  ['Start time', (r) => r.start_time ?? ''],
  ['Duration (minutes)', (r) => r.duration_minutes],
  ['Hours', (r) => hoursOf(Number(r.duration_minutes))],
  ['Format', (r) => word(FORMATS, r.format)],
  ['Status', (r) => word(ENGAGEMENT_STATUSES, r.status)],
  ['Participants', (r) => r.participant_count],
  ['States and jurisdictions', (r) => r.jurisdictions ?? ''],
  ['Consultants', (r) => r.consultants ?? ''],
  ['Topics', (r) => r.topics ?? ''],
];

/** GET /reports/engagements.csv: the delivered engagements behind the figures, one row each. */
export async function engagementsCsv(req: Request, res: Response): Promise<void> {
  const { filters } = filtersOf(req);
  const rows = deliveredEngagementsExport(actorOf(req), filters);
  await csvStream(res, `leep-engagements-${filters.from}-to-${filters.to}.csv`, ENGAGEMENT_COLUMNS, rows);
}

/** The cases export's columns; times are local to the program's time zone, which the headings name. */
function caseColumns(zone: string): Column<Row>[] {
  const local = (v: unknown) => (v ? localDateTime(toDate(v) as Date, zone) : '');
  return [
    ['Reference', (r) => r.reference],
    ['Program', (r) => word(TRACKS, r.track)],
    ['Status', (r) => word(STATUSES, r.status)],
    ['Priority', (r) => word(PRIORITIES, r.priority)],
    ['Source', (r) => word(SOURCES, r.source)],
    ['Jurisdiction code', (r) => r.jurisdiction_code],
    ['State or jurisdiction', (r) => r.jurisdiction_name],
    ['Title', (r) => r.title],
    ['Requester', (r) => r.requester_name],
    ['Organization', (r) => r.organization_name],
    [`Submitted (${zone})`, (r) => local(r.submitted_at)],
    [`First assigned (${zone})`, (r) => local(r.first_assigned_at)],
    [`First delivered engagement (${zone})`, (r) => local(r.first_engagement_at)],
    [`Closed (${zone})`, (r) => local(r.closed_at)],
    ['Lead consultant', (r) => r.lead_name ?? ''],
  ];
}

/** GET /reports/cases.csv: the cases submitted in the period, one row each. */
export async function casesCsv(req: Request, res: Response): Promise<void> {
  const { filters } = filtersOf(req);
  const rows = casesExport(actorOf(req), filters);
  await csvStream(res, `leep-cases-${filters.from}-to-${filters.to}.csv`, caseColumns(cfg(req).timeZone), rows);
}

/** GET /states/:code: one jurisdiction's whole history across tracks. */
export async function statePage(req: Request, res: Response): Promise<void> {
  const page = await statePageSpec(req);
  res.render(page.view, page.locals);
}

async function statePageSpec(req: Request): Promise<PageSpec> {
  const code = String(req.params.code).toUpperCase();
  const perPage = 100;
  // The engagements and the cases are paged each on its own: a link moves one list and keeps the other.
  const pageParam = (name: string) => Math.max(1, Math.min(10_000, Number.parseInt(String(req.query[name] ?? '1'), 10) || 1));
  const wanted = { engagementsPage: pageParam('engagements_page'), casesPage: pageParam('cases_page'), perPage };
  const history = await stateHistory(actorOf(req), code, wanted);
  if (!history) throw new NotFoundError('There is no state or jurisdiction with that code.');
  const { engagements, cases, engagementsOf, casesOf } = history.pages;
  const href = (e: number, c: number) =>
    `/states/${code}?${new URLSearchParams({ ...(e > 1 ? { engagements_page: String(e) } : {}), ...(c > 1 ? { cases_page: String(c) } : {}) }).toString()}#${e !== engagements ? 'engagements' : 'cases'}`;
  return {
    view: 'pages/reports/state',
    locals: {
      title: history.jurisdiction.name,
      ...history,
      engagementPages: pageNav(history.counts.engagements, engagements, engagementsOf, perPage, (n) => href(n, cases)),
      casePages: pageNav(history.counts.cases, cases, casesOf, perPage, (n) => href(engagements, n)),
    },
  };
}
