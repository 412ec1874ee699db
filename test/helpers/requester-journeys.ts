// What the requester-journey tests share (issue 14): calendar files read by node-ical, the forms of
// a page, a requester on their status page, and (inside a describeEachEngine) a director signed
// in before the tests, cases in progress and the outbox of a case.
import ical from 'node-ical';
import type { Express } from 'express';
import request from 'supertest';
import { csrfTokenOf, testApp } from './app';
import { makeUser } from './auth';
import { StaffClient, staffClient } from './cases';
import type { TestDatabase } from './db';
import { daysFromToday, makeCase, storeEngagement } from './engagements';

/** The VEVENTs of a calendar file, read by node-ical (not by the code that wrote it). */
export function eventsIn(ics: string): ical.VEvent[] {
  return Object.values(ical.sync.parseICS(ics)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
}
export const methodOf = (ics: string) =>
  (ical.sync.parseICS(ics) as unknown as { vcalendar?: { method?: string } }).vcalendar?.method ?? /\r\nMETHOD:(\w+)\r\n/.exec(ics)?.[1];

/** The action of every form on a page. */
export const formActions = (html: string) => [...html.matchAll(/<form\b[^>]*\saction="([^"]*)"/g)].map((m) => m[1]);

/** A requester's browser on their status page: posts one of its forms with the page's token. */
export async function requester(app: Express, page: string) {
  const agent = request.agent(app);
  const res = await agent.get(page).expect(200);
  return { agent, html: res.text, token: csrfTokenOf(res.text) };
}

/** The app, a director (in `people`, signed in before the tests), cases in progress and the outbox. */
export function requesterJourneys(ctx: { db: TestDatabase }) {
  const { app, config } = testApp();
  const people = {} as { director: StaffClient };

  before(async () => {
    people.director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** A case in progress (one delivered engagement), led by a new consultant. */
  async function caseInProgress(options: { supporters?: Awaited<ReturnType<typeof makeUser>>[] } = {}) {
    const lead = await makeUser({ role: 'consultant' });
    const kase = await makeCase(config, { lead, supporters: options.supporters });
    await storeEngagement(kase.id, lead, { status: 'delivered', date: daysFromToday(-3), summary: 'Kick-off held' });
    return { lead, kase };
  }

  const outbox = (caseId: number, kind?: string) => {
    const q = ctx.db.knex('outbox').where({ case_id: caseId }).orderBy('id');
    return kind ? q.andWhere({ kind }) : q;
  };

  return { app, config, people, caseInProgress, outbox };
}
