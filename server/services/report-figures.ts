import * as raw from '../queries/report.queries';
import type { CoverageRow, Dimension, ReportFilters, Totals } from '../queries/report.queries';
import { RolledUp, RollupKind, rolledUp, servedPairs } from '../queries/report-rollup-reads.queries';
import { listJurisdictions, listTopics } from '../queries/reference.queries';
import { listUserNames } from '../queries/user.queries';

/**
 * The engagement figures of the reports, read from the roll-ups (migration 2026120517001) for the
 * whole months of the period and from the raw rows for the days of a month cut by its start or end.
 * Under a jurisdiction, the roll-ups over the engagements listing it answer every breakdown. A
 * filter the roll-ups do not break down (by format, topic or consultant) is counted from the raw
 * rows, as before.
 * Same answers as the queries of report.queries.ts on their own (the recount tests hold both).
 */

interface Parts {
  months?: { from: string; to: string };
  edges: ReportFilters[];
}

const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const shift = (month: string, by: number) => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
};

/** The period as whole months (for the roll-ups) and the cut months at its ends (for the raw rows). */
function periodParts(f: ReportFilters): Parts {
  const a = f.from.slice(0, 7);
  const b = f.to.slice(0, 7);
  const startsMonth = f.from === `${a}-01`;
  const endsMonth = f.to === lastDay(b);
  if (a === b) return startsMonth && endsMonth ? { months: { from: a, to: b }, edges: [] } : { edges: [f] };
  const edges: ReportFilters[] = [];
  let first = a;
  let last = b;
  if (!startsMonth) {
    edges.push({ ...f, to: lastDay(a) });
    first = shift(a, 1);
  }
  if (!endsMonth) {
    edges.push({ ...f, from: `${b}-01` });
    last = shift(b, -1);
  }
  return { months: first <= last ? { from: first, to: last } : undefined, edges };
}

/** The roll-ups answer filters by period, track and jurisdiction only. */
const rollable = (f: ReportFilters) => !f.format && !f.topic && !f.consultant;

const addTotals = (a: Totals, b: Totals): Totals => ({
  engagements: a.engagements + b.engagements,
  minutes: a.minutes + b.minutes,
  participants: a.participants + b.participants,
});
const ZERO: Totals = { engagements: 0, minutes: 0, participants: 0 };
const totalsOf = (r: RolledUp | undefined): Totals =>
  r ? { engagements: r.engagements, minutes: r.minutes, participants: r.participants } : ZERO;

/** Whole-month roll-up rows of the engagements matching f (all, or those listing f's jurisdiction). */
function base(f: ReportFilters, months: { from: string; to: string }, by?: 'year' | 'track' | 'item') {
  const kind: RollupKind = f.jurisdiction ? 'jurisdiction' : 'format';
  return rolledUp(kind, months, { track: f.track, item: f.jurisdiction }, by);
}

export async function totals(f: ReportFilters): Promise<Totals> {
  if (!rollable(f)) return raw.totals(f);
  const { months, edges } = periodParts(f);
  const parts = await Promise.all([months ? base(f, months).then((r) => totalsOf(r[0])) : ZERO, ...edges.map((e) => raw.totals(e))]);
  return parts.reduce(addTotals, ZERO);
}

export async function coverage(f: ReportFilters): Promise<CoverageRow[]> {
  if (!rollable(f)) return raw.coverage(f);
  const { months, edges } = periodParts(f);
  const [rolled, ...cut] = await Promise.all([
    months ? rolledUp('jurisdiction', months, { track: f.track, item: f.jurisdiction }, 'item') : [],
    ...edges.map((e) => raw.coverage(e)),
  ]);
  const byCode = new Map<string, CoverageRow>();
  const add = (row: CoverageRow) => {
    const had = byCode.get(row.code);
    if (!had) return byCode.set(row.code, row);
    byCode.set(row.code, {
      ...addTotals(had, row),
      code: row.code,
      first_served: row.first_served < had.first_served ? row.first_served : had.first_served,
      last_served: row.last_served > had.last_served ? row.last_served : had.last_served,
    });
  };
  for (const r of rolled)
    if (r.engagements) add({ code: r.key, first_served: String(r.first_date), last_served: String(r.last_date), ...totalsOf(r) });
  for (const rows of cut) for (const row of rows) add(row);
  return [...byCode.values()].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
}

type Group = Totals & { key: string; label?: string };

function mergeGroups(lists: Group[][], order: (a: Group, b: Group) => number): Group[] {
  const byKey = new Map<string, Group>();
  for (const list of lists) {
    for (const g of list) {
      const had = byKey.get(g.key);
      byKey.set(g.key, had ? { ...had, ...addTotals(had, g) } : g);
    }
  }
  return [...byKey.values()].filter((g) => g.engagements > 0).sort(order);
}

const byText = (a: Group, b: Group) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const byNumber = (a: Group, b: Group) => Number(a.key) - Number(b.key);

export async function breakdown(f: ReportFilters, by: Dimension): Promise<Group[]> {
  if (!rollable(f)) return raw.breakdown(f, by);
  const { months, edges } = periodParts(f);
  const cut = Promise.all(edges.map((e) => raw.breakdown(e, by)));
  let rolled: Group[] = [];
  if (months) {
    // The rows over the engagements listing the jurisdiction, or over all of them.
    const where = { track: f.track, jurisdiction: f.jurisdiction };
    if (by === 'year' || by === 'track') rolled = (await base(f, months, by)).map((r) => ({ key: r.key, ...totalsOf(r) }));
    else if (by === 'format') rolled = (await rolledUp('format', months, where, 'item')).map((r) => ({ key: r.key, ...totalsOf(r) }));
    else if (by === 'topic') {
      const [rows, topics] = await Promise.all([rolledUp('topic', months, where, 'item'), listTopics({ includeRetired: true })]);
      const topic = new Map(topics.map((t) => [String(t.id), t]));
      rolled = rows.map((r) => ({ key: String(topic.get(r.key)?.slug), label: String(topic.get(r.key)?.name), ...totalsOf(r) }));
    } else {
      const [rows, users] = await Promise.all([rolledUp('consultant', months, where, 'item'), listUserNames()]);
      const user = new Map(users.map((u) => [String(u.id), u]));
      rolled = rows.map((r) => ({ key: r.key, label: String(user.get(r.key)?.name), ...totalsOf(r) }));
    }
  }
  return mergeGroups([rolled, ...(await cut)], by === 'year' || by === 'consultant' ? byNumber : byText);
}

export async function distinctTotals(f: ReportFilters, listing: 'state' | 'territory' | 'topic' | 'consultant'): Promise<Totals> {
  if (!rollable(f)) return raw.distinctTotals(f, listing);
  const { months, edges } = periodParts(f);
  let rolled: Promise<Totals> = Promise.resolve(ZERO);
  if (months) {
    if (listing === 'topic' || listing === 'consultant')
      rolled = rolledUp(`any_${listing}`, months, { track: f.track, jurisdiction: f.jurisdiction }).then((r) => totalsOf(r[0]));
    else if (f.jurisdiction) {
      // The engagements listing this jurisdiction list a state when it is one, a territory when it is one.
      const code = f.jurisdiction;
      rolled = listJurisdictions().then(async (all) => {
        const kind = all.find((j) => j.code === code)?.kind;
        if (!kind || (kind === 'territory') !== (listing === 'territory')) return ZERO;
        return totalsOf((await rolledUp('jurisdiction', months, { track: f.track, item: code }))[0]);
      });
    } else rolled = rolledUp(`any_${listing}`, months, { track: f.track }).then((r) => totalsOf(r[0]));
  }
  const parts = await Promise.all([rolled, ...edges.map((e) => raw.distinctTotals(e, listing))]);
  return parts.reduce(addTotals, ZERO);
}

export async function servedByYear(f: ReportFilters): Promise<Map<number, string[]>> {
  if (!rollable(f)) return raw.servedByYear(f);
  const { months, edges } = periodParts(f);
  const [pairs, ...cut] = await Promise.all([
    months ? servedPairs(months, { track: f.track, item: f.jurisdiction }) : [],
    ...edges.map((e) => raw.servedByYear(e)),
  ]);
  const out = new Map<number, Set<string>>();
  const add = (year: number, code: string) => {
    if (!out.has(year)) out.set(year, new Set());
    (out.get(year) as Set<string>).add(code);
  };
  for (const p of pairs) add(p.year, p.code);
  for (const m of cut) for (const [year, codes] of m) for (const code of codes) add(year, code);
  return new Map([...out].map(([year, codes]) => [year, [...codes]]));
}
