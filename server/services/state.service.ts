import { num } from '../values';
import { findJurisdiction } from '../queries/reference.queries';
import { rolledUp } from '../queries/report-rollup-reads.queries';
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
  // Every delivered engagement listing the state, whatever its date: its roll-ups over all months.
  const always = { from: '0000-01', to: '9999-12' };
  const sliceOf = (page: number) => (paging ? { limit: paging.perPage, offset: (page - 1) * paging.perPage } : undefined);
  const asked = paging ? { engagements: paging.engagementsPage, cases: paging.casesPage } : { engagements: 1, cases: 1 };
  // Every read at once, the lists at the pages asked for: under load, the page then waits its turn
  // for the database once, not once per read.
  const [jurisdiction, [served], counts, firstCases, firstEngagements, consultants] = await Promise.all([
    findJurisdiction(code),
    rolledUp('jurisdiction', always, { item: code }),
    stateCounts(code),
    stateCases(code, sliceOf(asked.cases)),
    stateEngagements(code, sliceOf(asked.engagements)),
    stateConsultants(code, always),
  ]);
  if (!jurisdiction) return undefined;
  // A page past a list's end (an old link) shows its last page rather than nothing: read again.
  const lastPage = (n: number) => Math.max(1, Math.ceil(n / (paging?.perPage ?? 1)));
  const pages = {
    engagements: paging ? Math.min(asked.engagements, lastPage(counts.engagements)) : 1,
    cases: paging ? Math.min(asked.cases, lastPage(counts.cases)) : 1,
  };
  const [cases, engagements] = await Promise.all([
    pages.cases === asked.cases ? firstCases : stateCases(code, sliceOf(pages.cases)),
    pages.engagements === asked.engagements ? firstEngagements : stateEngagements(code, sliceOf(pages.engagements)),
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
