// Reading what the report pages and exports show.

import { parse } from 'csv-parse/sync';
import type { Raw } from './reports-raw';
import type { CoverageFigure } from './reports-recount';

/** A calendar date as the views write it ("Jul 1, 2019"). */
export function calendarDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
}

const number = (text: string) => Number(text.replace(/,/g, ''));
const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#x27|#39|#x3D|#x60);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`' })[e] as string,
  );

interface ShownRow {
  code: string;
  served: boolean;
  first: string;
  last: string;
  engagements: number;
  hours: number;
  participants: number;
}

/** The headline figures and the coverage rows (states and territories) the dashboard shows. */
export function readDashboard(html: string) {
  const states = /<a href="#coverage">([\d,]+)<\/a> <span class="headline__of">of ([\d,]+)<\/span>/.exec(html);
  const engagements =
    /<p class="headline__figure"><a href="[^"]*">([\d,]+)<\/a><\/p>\s*<p class="headline__label">delivered engagements<\/p>/.exec(html);
  const note = /<p class="headline__note">([\d,.]+) hours, ([\d,]+) participants<\/p>/.exec(html);
  const open = /<p class="headline__figure"><a href="[^"]*">([\d,]+)<\/a><\/p>\s*<p class="headline__label">open cases now<\/p>/.exec(html);
  if (!states || !engagements || !note || !open) throw new Error('the dashboard does not show its headline figures');
  const rows: ShownRow[] = [];
  const row =
    /<tr[^>]*>\s*<th scope="row"(?: data-label="[^"]*")?><a href="\/states\/([A-Z]{2})">[^<]*<\/a><\/th>\s*<td(?: data-label="[^"]*")?>(Yes|No)<\/td>\s*<td(?: data-label="[^"]*")?>([^<]*)<\/td>\s*<td(?: data-label="[^"]*")?>([^<]*)<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">(?:<a [^>]*>)?([\d,]+)(?:<\/a>)?<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">([\d,.]+)<\/td>\s*<td(?: data-label="[^"]*")? class="text-right">([\d,]+)<\/td>\s*<\/tr>/g;
  for (const m of html.matchAll(row)) {
    rows.push({
      code: m[1],
      served: m[2] === 'Yes',
      first: m[3],
      last: m[4],
      engagements: number(m[5]),
      hours: number(m[6]),
      participants: number(m[7]),
    });
  }
  const years = [
    ...html.matchAll(
      /<tr><th scope="row"(?: data-label="[^"]*")?>(\d{4})<\/th><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right">(\d+)<\/td><td(?: data-label="[^"]*")? class="text-right"><a href="[^"]*">([\d,]+)<\/a><\/td>/g,
    ),
  ].map((m) => ({
    year: Number(m[1]),
    served: Number(m[2]),
    newly: Number(m[3]),
    cumulative: Number(m[4]),
    engagements: number(m[5]),
  }));
  const newToLeep = /<p class="headline__note">(\d+) new to LEEP in the period/.exec(html);
  const total = (label: string) => {
    const m = new RegExp(
      `<tfoot><tr><th scope="row">${label}</th>(?:<td></td>)*<td class="text-right">([\\d,]+)</td><td class="text-right">([\\d,.]+)</td><td class="text-right">([\\d,]+)</td></tr></tfoot>`,
    ).exec(html);
    return m ? { engagements: number(m[1]), hours: number(m[2]), participants: number(m[3]) } : undefined;
  };
  return {
    statesServed: number(states[1]),
    statesTotal: number(states[2]),
    engagements: number(engagements[1]),
    hours: number(note[1]),
    participants: number(note[2]),
    openCases: number(open[1]),
    newToLeep: newToLeep ? Number(newToLeep[1]) : undefined,
    totals: {
      states: total('All states and DC \\(each engagement once\\)'),
      territories: total('All territories \\(each engagement once\\)'),
      topics: total('Engagements with a topic \\(each once\\)'),
      consultants: total('Engagements with a consultant \\(each once\\)'),
    },
    rows,
    years,
  };
}

/** What a recount says the coverage rows should show, for every jurisdiction. */
export function expectedRows(raw: Raw, coverage: CoverageFigure[]): ShownRow[] {
  const byCode = new Map(coverage.map((c) => [c.code, c]));
  return raw.jurisdictions.map((j) => {
    const c = byCode.get(j.code);
    return c
      ? {
          code: j.code,
          served: true,
          first: calendarDate(c.first_served),
          last: calendarDate(c.last_served),
          engagements: c.engagements,
          hours: c.hours,
          participants: c.participants,
        }
      : { code: j.code, served: false, first: '', last: '', engagements: 0, hours: 0, participants: 0 };
  });
}

/** The state page: served dates, the three totals, and its engagement and case rows. */
export function readStatePage(html: string) {
  const served = /Served from ([^<]+?) to ([^<]+?)<\/p>/.exec(html);
  const figures = [...html.matchAll(/<p class="headline__figure">([\d,.]+)<\/p>/g)].map((m) => number(m[1]));
  const engagements = [
    ...html.matchAll(
      /<tr><th scope="row" data-label="Date">([^<]*)<\/th><td data-label="Case"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td><td data-label="Program">[^<]*<\/td><td data-label="Format">[^<]*<\/td><td data-label="Status">([^<]*)<\/td><td data-label="States">([^<]*)<\/td><td data-label="Consultants">[^<]*<\/td><td data-label="Hours" class="text-right">([\d.]+)<\/td><td data-label="Participants" class="text-right">(\d+)<\/td><\/tr>/g,
    ),
  ].map((m) => ({
    date: m[1],
    caseId: Number(m[2]),
    reference: decode(m[3]),
    status: m[4],
    jurisdictions: decode(m[5]),
    hours: Number(m[6]),
    participants: Number(m[7]),
  }));
  const cases = [...html.matchAll(/<td data-label="Reference"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td>/g)].map((m) => ({
    id: Number(m[1]),
    reference: decode(m[2]),
  }));
  return {
    served: served ? { first: served[1], last: served[2] } : undefined,
    notServed: html.includes('Not served yet'),
    totals: { engagements: figures[0], hours: figures[1], participants: figures[2] },
    engagements,
    cases,
  };
}

/** The rows of the delivered-engagements list page, its total and its page count. */
export function readEngagementList(html: string) {
  const total = /<p>([\d,]+) engagements · /.exec(html);
  const page = /Page (\d+) of (\d+)/.exec(html);
  const rows = [
    ...html.matchAll(
      /<tr><th scope="row" data-label="Date">([^<]*)<\/th><td data-label="Case"><a href="\/cases\/(\d+)">([^<]*)<\/a><\/td>/g,
    ),
  ].map((m) => ({ date: m[1], caseId: Number(m[2]), reference: decode(m[3]) }));
  const next = /<a href="([^"]+)" class="usa-pagination__link usa-pagination__next-page">/.exec(html);
  return {
    total: total ? number(total[1]) : undefined,
    page: page ? Number(page[1]) : undefined,
    pages: page ? Number(page[2]) : undefined,
    rows,
    nextHref: next ? decode(next[1]) : undefined,
  };
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}

/** A CSV answer's text (supertest leaves text/csv as a string; the BOM is kept). */
export function csvBody(res: { text?: string; body?: unknown }): string {
  if (typeof res.text === 'string' && res.text.length) return res.text;
  if (Buffer.isBuffer(res.body)) return res.body.toString('utf8');
  return '';
}
