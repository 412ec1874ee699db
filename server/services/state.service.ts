import { num } from '../values';
import { findJurisdiction } from '../queries/reference.queries';
import { rolledUp } from '../queries/report-rollup.queries';
import { stateCases, stateCounts, stateEngagements } from '../queries/state.queries';
import { listUserNames } from '../queries/user.queries';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS, STATUSES, TRACKS } from '../vocabulary';
import { ReportReader, hoursOf, mustReadReports } from './report.service';

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
export async function stateHistory(actor: ReportReader, code: string, paging?: HistoryPaging) {
  mustReadReports(actor);
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  const jurisdiction = await findJurisdiction(code);
  if (!jurisdiction) return undefined;
  // Every delivered engagement listing the state, whatever its date: its roll-ups over all months.
  const always = { from: '0000-01', to: '9999-12' };
  const [served] = await rolledUp('jurisdiction', always, { item: code });
  const counts = await stateCounts(code);
  // A page past a list's end (an old link) shows its last page rather than nothing.
  const lastPage = (n: number) => Math.max(1, Math.ceil(n / (paging?.perPage ?? 1)));
  const pages = paging
    ? {
        engagements: Math.min(paging.engagementsPage, lastPage(counts.engagements)),
        cases: Math.min(paging.casesPage, lastPage(counts.cases)),
      }
    : { engagements: 1, cases: 1 };
  const sliceOf = (page: number) => (paging ? { limit: paging.perPage, offset: (page - 1) * paging.perPage } : undefined);
  const [cases, engagements, consultants] = await Promise.all([
    stateCases(code, sliceOf(pages.cases)),
    stateEngagements(code, sliceOf(pages.engagements)),
    stateConsultants(code, always),
  ]);
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
    engagements: engagements.map((e) => ({
      ...e,
      trackLabel: TRACKS[e.track as keyof typeof TRACKS],
      formatLabel: FORMATS[e.format as keyof typeof FORMATS],
      statusLabel: ENGAGEMENT_STATUSES[e.status as keyof typeof ENGAGEMENT_STATUSES],
      hours: hoursOf(num(e.duration_minutes)),
      counts: e.status === 'delivered',
    })),
    consultants,
  };
}

/** The consultants of a jurisdiction's delivered engagements, with how many each facilitated, most first (from the roll-ups). */
async function stateConsultants(code: string, months: { from: string; to: string }) {
  const [rows, users] = await Promise.all([rolledUp('consultant', months, { jurisdiction: code }, 'item'), listUserNames()]);
  const name = new Map(users.map((u) => [String(u.id), u.name]));
  return rows
    .filter((r) => r.engagements > 0)
    .map((r) => ({ id: Number(r.key), name: String(name.get(r.key)), engagements: r.engagements }))
    .sort((a, b) => b.engagements - a.engagements || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
