import { db, listAggSql } from '../db';
import { num } from '../values';
import { findJurisdiction } from '../queries/reference.queries';
import { rolledUp } from '../queries/report-rollup.queries';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS, STATUSES, TRACKS } from '../vocabulary';
import { hoursOf } from './report.service';

interface HistoryPaging {
  /** 1-based pages of the engagements and of the cases, each list paged on its own, `perPage` rows a page. */
  engagementsPage: number;
  casesPage: number;
  perPage: number;
}

/**
 * One jurisdiction's story: when it was first and last served, every case of it and every
 * engagement that lists it (whatever case it belongs to), in time order, across all tracks.
 * With `paging`, one page of each list (a decade of work is thousands of engagements).
 */
export async function stateHistory(code: string, paging?: HistoryPaging) {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  const jurisdiction = await findJurisdiction(code);
  if (!jurisdiction) return undefined;
  // Every delivered engagement listing the state, whatever its date: its roll-ups over all months.
  const [served] = await rolledUp('jurisdiction', { from: '0000-01', to: '9999-12' }, { item: code });
  const [[caseCount], [engagementCount]] = await Promise.all([
    db('cases').where('jurisdiction_code', code).count({ n: '*' }),
    db('engagement_jurisdictions').where('jurisdiction_code', code).count({ n: '*' }),
  ]);
  const counts = { cases: num(caseCount.n), engagements: num(engagementCount.n) };
  // A page past a list's end (an old link) shows its last page rather than nothing.
  const lastPage = (n: number) => Math.max(1, Math.ceil(n / (paging?.perPage ?? 1)));
  const pages = paging
    ? {
        engagements: Math.min(paging.engagementsPage, lastPage(counts.engagements)),
        cases: Math.min(paging.casesPage, lastPage(counts.cases)),
      }
    : { engagements: 1, cases: 1 };
  const pageOf = <T extends { limit(n: number): T; offset(n: number): T }>(q: T, page: number): T =>
    paging ? q.limit(paging.perPage).offset((page - 1) * paging.perPage) : q;
  const cases = await pageOf(db('cases as c'), pages.cases)
    .leftJoin('users as u', 'u.id', 'c.lead_consultant_id')
    .where('c.jurisdiction_code', code)
    .orderBy('c.submitted_at', 'asc')
    .select('c.id', 'c.reference', 'c.title', 'c.track', 'c.status', 'c.submitted_at', 'c.closed_at', 'u.name as lead_name');
  const engagements = await pageOf(db('engagement_jurisdictions as ej'), pages.engagements)
    .join('engagements as e', 'e.id', 'ej.engagement_id')
    .join('cases as c', 'c.id', 'e.case_id')
    .where('ej.jurisdiction_code', code)
    // The date stored on engagement_jurisdictions: its index gives the order, so a page stops early.
    .orderBy('ej.date', 'asc')
    .orderBy('ej.engagement_id', 'asc')
    .select(
      'e.id',
      'e.date',
      'e.status',
      'e.format',
      'e.duration_minutes',
      'e.participant_count',
      'c.id as case_id',
      'c.reference',
      'c.track',
      'c.title',
      db.raw(
        `(select ${listAggSql('u.name')} from engagement_consultants ec join users u on u.id = ec.user_id where ec.engagement_id = e.id) as consultants`,
      ),
      db.raw(`(select ${listAggSql('x.jurisdiction_code')} from engagement_jurisdictions x where x.engagement_id = e.id) as jurisdictions`),
    );
  const consultants = await db('engagement_consultants as ec')
    .join('engagement_jurisdictions as ej', 'ej.engagement_id', 'ec.engagement_id')
    .join('users as u', 'u.id', 'ec.user_id')
    .where({ 'ej.jurisdiction_code': code, 'ej.status': 'delivered' })
    .groupBy('u.id', 'u.name')
    .select('u.id', 'u.name', db.raw('count(*) as engagements'))
    .orderBy('engagements', 'desc');
  return {
    jurisdiction,
    counts,
    pages: { ...pages, engagementsOf: lastPage(counts.engagements), casesOf: lastPage(counts.cases) },
    served: served && served.engagements > 0 ? { first: served.first_date as string, last: served.last_date as string } : undefined,
    totals: { engagements: served?.engagements ?? 0, hours: hoursOf(served?.minutes ?? 0), participants: served?.participants ?? 0 },
    cases: cases.map((c) => ({
      ...c,
      trackLabel: TRACKS[c.track as keyof typeof TRACKS],
      statusLabel: STATUSES[c.status as keyof typeof STATUSES],
    })),
    engagements: engagements.map((e: Record<string, unknown>) => ({
      ...e,
      trackLabel: TRACKS[e.track as keyof typeof TRACKS],
      formatLabel: FORMATS[e.format as keyof typeof FORMATS],
      statusLabel: ENGAGEMENT_STATUSES[e.status as keyof typeof ENGAGEMENT_STATUSES],
      hours: hoursOf(num(e.duration_minutes)),
      counts: e.status === 'delivered',
    })),
    consultants: consultants.map((c) => ({ ...c, engagements: num(c.engagements) })),
  };
}
