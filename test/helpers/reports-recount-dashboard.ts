// Every dashboard figure recounted from the raw rows, and the application's figures in the same shape.

import type { ReportFilters } from '../../server/queries/report.queries';
import { DAY, OPEN } from './reports-generate';
import type { Raw, RawEngagement } from './reports-raw';
import { type CoverageFigure, type Group, type Sums, casesIn, deliveredIn, groupBy, recountCoverage, sum } from './reports-recount';

const daysOf = (msValue: number) => Math.round((msValue / DAY) * 10) / 10;

/** The value at a percentile by nearest rank: the ceil(p·n)-th smallest (p given as tenths). */
function nearestRank(values: number[], tenths: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((tenths * sorted.length) / 10));
  return sorted[rank - 1];
}

/** The age bands of open cases: under 7 days, 7-28, 28-91, 91-365, over 365. */
const AGE_BANDS = [
  { label: 'Under 1 week', days: 0 },
  { label: '1 to 4 weeks', days: 7 },
  { label: '1 to 3 months', days: 28 },
  { label: '3 to 12 months', days: 91 },
  { label: 'Over a year', days: 365 },
];

interface Recount {
  headline: {
    statesServed: number;
    statesTotal: number;
    territoriesServed: string[];
    newToLeep: number;
    engagements: number;
    hours: number;
    participants: number;
    openCases: number;
  };
  coverage: CoverageFigure[];
  /** States (50 + DC) served in the year, new to LEEP in it (first served ever), served so far by its end. */
  years: { year: number; served: number; newly: number; cumulative: number; engagements: number; hours: number; participants: number }[];
  /** Distinct totals of the engagements listing a state, a territory, a topic, a consultant. */
  distinct: { states: Sums; territories: Sums; topics: Sums; consultants: Sums };
  byTrack: Group[];
  byFormat: Group[];
  byTopic: Group[];
  byConsultant: Group[];
  response: {
    assignMedianDays: number | null;
    assignP90Days: number | null;
    assignedCount: number;
    firstMedianDays: number | null;
    firstP90Days: number | null;
    engagedCount: number;
    withinTarget: number;
    assigned: number;
    withinShare: number | null;
    assignmentUnknown: number;
    target: number;
  };
  openByAge: { label: string; count: number }[];
}

/** Every dashboard figure, recounted from the raw rows. */
export function recountDashboard(raw: Raw, f: ReportFilters, o: { target: number; now: Date }): Recount {
  const delivered = deliveredIn(raw, f);
  const coverage = recountCoverage(raw, f);
  const kindOf = new Map(raw.jurisdictions.map((j) => [j.code, j.kind]));
  const nameOf = new Map(raw.jurisdictions.map((j) => [j.code, j.name]));

  // First served ever: every delivered engagement from the first record, under the other filters.
  const isState = (code: string) => kindOf.get(code) !== 'territory';
  const firstEver = recountCoverage(raw, { ...f, from: '0000-01-01' })
    .filter((c) => isState(c.code))
    .map((c) => c.first_served);
  const years: Recount['years'] = [];
  const fromYear = Number(f.from.slice(0, 4));
  const toYear = Number(f.to.slice(0, 4));
  for (let year = fromYear; year <= toYear; year += 1) {
    const yFrom = year === fromYear ? f.from : `${year}-01-01`;
    const yTo = year === toYear ? f.to : `${year}-12-31`;
    const inYear = delivered.filter((e) => Number(e.date.slice(0, 4)) === year);
    const served = new Set(inYear.flatMap((e) => e.jurisdictions).filter((c) => isState(c) && (!f.jurisdiction || c === f.jurisdiction)));
    years.push({
      year,
      served: served.size,
      newly: firstEver.filter((d) => d >= yFrom && d <= yTo).length,
      cumulative: firstEver.filter((d) => d <= yTo).length,
      ...sum(inYear),
    });
  }
  const listing = (test: (e: RawEngagement) => boolean) => sum(delivered.filter(test));
  const jurisdictionsOf = (e: RawEngagement) => e.jurisdictions.filter((c) => !f.jurisdiction || c === f.jurisdiction);
  const distinct = {
    states: listing((e) => jurisdictionsOf(e).some(isState)),
    territories: listing((e) => jurisdictionsOf(e).some((c) => !isState(c))),
    topics: listing((e) => e.topics.length > 0),
    consultants: listing((e) => e.consultants.length > 0),
  };

  const inPeriod = casesIn(raw, f);
  const assignedCases = inPeriod.filter((c) => c.assigned !== null);
  const engagedCases = inPeriod.filter((c) => c.engaged !== null);
  // A time never goes below zero.
  const assignLags = assignedCases.map((c) => Math.max(0, (c.assigned as number) - c.submitted));
  const firstLags = engagedCases.map((c) => Math.max(0, (c.engaged as number) - c.submitted));
  const within = assignedCases.filter((c) => c.businessDays !== null && c.businessDays <= o.target).length;
  const d = (v: number | null) => (v === null ? null : daysOf(v));

  const open = casesIn(raw, f, { period: false }).filter((c) => OPEN.includes(c.status));
  const openByAge = AGE_BANDS.map((band, i) => {
    const next = AGE_BANDS[i + 1];
    const count = open.filter((c) => {
      const age = o.now.getTime() - c.submitted;
      return (band.days === 0 || age > band.days * DAY) && (!next || age <= next.days * DAY);
    }).length;
    return { label: band.label, count };
  });

  const topicName = new Map(raw.topics.map((t) => [t.slug, t.name]));
  const total = sum(delivered);
  return {
    headline: {
      statesServed: coverage.filter((c) => kindOf.get(c.code) !== 'territory').length,
      statesTotal: raw.jurisdictions.filter((j) => j.kind !== 'territory').length,
      territoriesServed: coverage
        .filter((c) => kindOf.get(c.code) === 'territory')
        .map((c) => nameOf.get(c.code) as string)
        .sort(),
      newToLeep: firstEver.filter((d) => d >= f.from && d <= f.to).length,
      engagements: total.engagements,
      hours: total.hours,
      participants: total.participants,
      openCases: open.length,
    },
    coverage,
    years,
    distinct,
    byTrack: groupBy(delivered, (e) => [raw.caseById.get(e.case_id)?.track as string]),
    byFormat: groupBy(delivered, (e) => [e.format]),
    byTopic: groupBy(
      delivered,
      (e) => e.topics,
      (k) => topicName.get(k) ?? k,
    ),
    byConsultant: groupBy(
      delivered,
      (e) => e.consultants.map(String),
      (k) => raw.users.get(Number(k)) ?? k,
    ),
    response: {
      assignMedianDays: d(nearestRank(assignLags, 5)),
      assignP90Days: d(nearestRank(assignLags, 9)),
      assignedCount: assignedCases.length,
      firstMedianDays: d(nearestRank(firstLags, 5)),
      firstP90Days: d(nearestRank(firstLags, 9)),
      engagedCount: engagedCases.length,
      withinTarget: within,
      assigned: assignedCases.length,
      withinShare: assignedCases.length ? Math.round((within / assignedCases.length) * 1000) / 10 : null,
      assignmentUnknown: inPeriod.filter((c) => c.assigned === null && c.lead !== null).length,
      target: o.target,
    },
    openByAge,
  };
}

type Figures = Awaited<ReturnType<typeof import('../../server/services/report.service').dashboardFigures>>;

/** The application's figures in the recount's shape (groups sorted by key), to compare whole. */
export function projectFigures(fig: Figures): Recount {
  const groups = (
    rows: { key: string; label?: string; engagements: number; hours: number; participants: number }[],
    withLabel: boolean,
  ): Group[] =>
    rows
      .map((r) => ({
        key: r.key,
        ...(withLabel ? { label: r.label } : {}),
        engagements: r.engagements,
        hours: r.hours,
        participants: r.participants,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    headline: { ...fig.headline, territoriesServed: [...fig.headline.territoriesServed].sort() },
    coverage: [...fig.states, ...fig.territories]
      .filter((j) => j.served)
      .map((j) => {
        const s = j.served as NonNullable<typeof j.served>;
        return {
          code: j.code,
          first_served: s.first_served,
          last_served: s.last_served,
          engagements: s.engagements,
          hours: s.hours,
          participants: s.participants,
        };
      })
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
    years: fig.years.map((y) => ({
      year: y.year,
      served: y.served,
      newly: y.newly,
      cumulative: y.cumulative,
      engagements: y.engagements,
      hours: y.hours,
      participants: y.participants,
    })),
    distinct: Object.fromEntries(
      Object.entries(fig.distinct).map(([k, v]) => [k, { engagements: v.engagements, hours: v.hours, participants: v.participants }]),
    ) as Recount['distinct'],
    byTrack: groups(fig.byTrack, false),
    byFormat: groups(fig.byFormat, false),
    byTopic: groups(fig.byTopic, true),
    byConsultant: groups(fig.byConsultant, true),
    response: { ...fig.response },
    openByAge: fig.openByAge.map((b) => ({ label: b.label, count: b.count })),
  };
}
