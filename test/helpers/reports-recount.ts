// A plain recount of the raw rows (reports-raw.ts) by the definitions of PRODUCT.md
// ("Reports: what the figures mean"), without any of the application's queries.

import type { ReportFilters } from '../../server/queries/report.queries';
import type { Raw, RawCase, RawEngagement } from './reports-raw';

/** Hours from minutes, rounded to 0.1 as the dashboard shows them. */
export const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/**
 * Delivered engagements dated in the period that match the engagement filters: track (the
 * case's), format, and topic, consultant and jurisdiction that the engagement lists.
 */
export function deliveredIn(raw: Raw, f: ReportFilters): RawEngagement[] {
  return raw.engagements.filter(
    (e) =>
      e.status === 'delivered' &&
      e.date >= f.from &&
      e.date <= f.to &&
      (!f.track || raw.caseById.get(e.case_id)?.track === f.track) &&
      (!f.format || e.format === f.format) &&
      (!f.topic || e.topics.includes(f.topic)) &&
      (!f.consultant || e.consultants.includes(f.consultant)) &&
      (!f.jurisdiction || e.jurisdictions.includes(f.jurisdiction)),
  );
}

/** The calendar day of an instant in a time zone (UTC when none is given). */
function dayIn(ms: number, zone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/**
 * Cases submitted in the period under the case filters. The period's days are days of
 * `submitted_at` in the filters' time zone (the program's, when the filters come from a page).
 */
export function casesIn(raw: Raw, f: ReportFilters, options: { period: boolean } = { period: true }): RawCase[] {
  return raw.cases.filter((c) => {
    const day = dayIn(new Date(c.submitted).getTime(), f.timeZone);
    return (
      (!options.period || (day >= f.from && day <= f.to)) &&
      (!f.track || c.track === f.track) &&
      (!f.jurisdiction || c.jurisdiction_code === f.jurisdiction) &&
      (!f.topic || c.topics.includes(f.topic)) &&
      (!f.consultant || c.lead === f.consultant || c.supporters.includes(f.consultant))
    );
  });
}

export interface Sums {
  engagements: number;
  hours: number;
  participants: number;
}

export function sum(list: RawEngagement[]): Sums {
  return {
    engagements: list.length,
    hours: hours(list.reduce((a, e) => a + e.minutes, 0)),
    participants: list.reduce((a, e) => a + e.participants, 0),
  };
}

export interface CoverageFigure extends Sums {
  code: string;
  first_served: string;
  last_served: string;
}

/** Served jurisdictions (sorted by code) with first and last served date and their sums. */
export function recountCoverage(raw: Raw, f: ReportFilters): CoverageFigure[] {
  const { jurisdiction, ...rest } = f;
  const byCode = new Map<string, RawEngagement[]>();
  for (const e of deliveredIn(raw, rest)) {
    for (const code of e.jurisdictions) {
      if (jurisdiction && code !== jurisdiction) continue;
      if (!byCode.has(code)) byCode.set(code, []);
      (byCode.get(code) as RawEngagement[]).push(e);
    }
  }
  return [...byCode.entries()]
    .map(([code, list]) => {
      const dates = list.map((e) => e.date).sort();
      return { code, first_served: dates[0], last_served: dates[dates.length - 1], ...sum(list) };
    })
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

export type Group = Sums & { key: string; label?: string };

export function groupBy(list: RawEngagement[], keysOf: (e: RawEngagement) => string[], labelOf?: (key: string) => string): Group[] {
  const groups = new Map<string, RawEngagement[]>();
  for (const e of list) {
    for (const k of new Set(keysOf(e))) {
      if (!groups.has(k)) groups.set(k, []);
      (groups.get(k) as RawEngagement[]).push(e);
    }
  }
  return [...groups.entries()]
    .map(([key, rows]) => ({ key, ...(labelOf ? { label: labelOf(key) } : {}), ...sum(rows) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One jurisdiction's history, recounted: served dates and sums over every delivered engagement listing it. */
export function recountState(raw: Raw, code: string) {
  const listing = raw.engagements
    .filter((e) => e.jurisdictions.includes(code))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const delivered = listing.filter((e) => e.status === 'delivered');
  const dates = delivered.map((e) => e.date).sort();
  const consultants = new Map<number, number>();
  for (const e of delivered) for (const u of e.consultants) consultants.set(u, (consultants.get(u) ?? 0) + 1);
  return {
    served: delivered.length ? { first: dates[0], last: dates[dates.length - 1] } : undefined,
    totals: sum(delivered),
    engagements: listing,
    cases: raw.cases.filter((c) => c.jurisdiction_code === code).sort((a, b) => a.submitted - b.submitted),
    consultants,
  };
}
