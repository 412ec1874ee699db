// What the National Cohort and State Policy Network tests share: the services' time zone and
// context, dates, unique names, a user as the services take their actor, and a signed-in client
// that posts forms as a browser does. The factories and readers are beside it:
// programs-cohorts.ts (cohorts, their meetings and attendance), programs-applications.ts
// (applications, reviews and decisions), programs-network.ts (teams and events) and
// programs-state.ts (the program's tables read back, and a recount of who was served).
import crypto from 'node:crypto';
import type { Express } from 'express';
import type request from 'supertest';
import type { Actor } from '../../server/services/cohort-network-case.service';
import { addDays, todayIn } from '../../server/services/time';
import { csrfTokenOf, encodeForm } from './app';
import { TestUser, signInAs } from './auth';

export const ZONE = 'America/New_York';
const SECRET = 'test-secret-for-program-factories-0000';
export const CTX = { secret: SECRET, timeZone: ZONE };

export const today = (): string => todayIn(ZONE);
export const daysFromToday = (days: number): string => addDays(todayIn(ZONE), days);

export type Fields = Record<string, string | string[] | undefined>;

/** A test user as the services take their actor. */
export const actor = (u: TestUser): Actor => ({ id: u.id, role: u.role, name: u.name, email: u.email });

let sequence = 0;
/** A name no other test uses. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix} ${process.pid}-${sequence}-${crypto.randomBytes(3).toString('hex')}`;
}

type Agent = ReturnType<typeof request.agent>;

interface Client {
  user: TestUser;
  agent: Agent;
  get(path: string): Promise<request.Response>;
  /** Posts a form as a browser does, with the CSRF token. */
  post(path: string, fields?: Fields): Promise<request.Response>;
}

/** A signed-in staff member who can get pages and post forms. */
export async function client(app: Express, user: TestUser): Promise<Client> {
  const agent = await signInAs(app, user);
  const token = csrfTokenOf((await agent.get('/account/password').expect(200)).text);
  return {
    user,
    agent,
    get: (path) => agent.get(path),
    post: (path, fields = {}) =>
      agent
        .post(path)
        .type('form')
        .send(encodeForm({ ...fields, _csrf: token })),
  };
}
