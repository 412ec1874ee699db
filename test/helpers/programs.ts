// Factories and readers for the National Cohort and State Policy Network tests: cohorts made
// through the service (with their case and meeting engagements), applications, reviews and
// decisions, forms as a browser posts them, and a recount of who was served straight from the
// program's own tables.
import crypto from 'node:crypto';
import type { Express } from 'express';
import type { Knex } from 'knex';
import type request from 'supertest';
import { decide, scoreApplication, submitApplication } from '../../server/services/application.service';
import type { Actor } from '../../server/services/cohort-network-case.service';
import { takeAttendance } from '../../server/services/cohort-course.service';
import { createCohort } from '../../server/services/cohort.service';
import { createEvent, takeEventAttendance } from '../../server/services/network-events.service';
import { createTeam } from '../../server/services/network.service';
import { addDays, todayIn } from '../../server/services/time';
import { db } from '../../server/db';
import { nowIso } from '../../server/values';
import { csrfTokenOf, encodeForm } from './app';
import { TestUser, makeUser, signInAs } from './auth';

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

export interface MeetingPlan {
  date: string;
  start_time?: string;
  duration_minutes?: number;
  mode?: 'virtual' | 'in_person';
  place?: string;
}

/** The cohort form's fields: an open window (a week ago to a month ahead) and the meetings given. */
export function cohortForm(overrides: Fields = {}, meetings: MeetingPlan[] = [{ date: daysFromToday(-3) }]): Fields {
  const form: Fields = {
    year: today().slice(0, 4),
    name: unique('Cohort'),
    description: 'Board members from every region.',
    opens_on: daysFromToday(-7),
    closes_on: daysFromToday(30),
  };
  for (let n = 1; n <= 4; n += 1) {
    const m = meetings[n - 1];
    form[`meeting_${n}_date`] = m?.date ?? '';
    form[`meeting_${n}_start_time`] = m?.start_time ?? '';
    form[`meeting_${n}_duration_minutes`] = String(m?.duration_minutes ?? 90);
    form[`meeting_${n}_mode`] = m ? (m.mode ?? 'virtual') : '';
    form[`meeting_${n}_place`] = m ? (m.place ?? (m.mode === 'in_person' ? 'NASBE, Alexandria, Virginia' : 'Zoom')) : '';
  }
  return { ...form, ...overrides };
}

/** The same fields as the service takes them (blank ones left out, numbers as numbers). */
function cohortPayload(form: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined || v === '') continue;
    out[k] = /^(year|meeting_\d_duration_minutes)$/.test(k) ? Number(v) : v;
  }
  return out;
}

export interface TestCohort {
  id: number;
  caseId: number;
  name: string;
  meetings: { id: number; number: number; engagement_id: number; date: string }[];
}

/** A cohort made through the service by a director (made if not given). */
export async function makeCohort(
  knex: Knex,
  options: { director?: TestUser; form?: Fields; meetings?: MeetingPlan[] } = {},
): Promise<TestCohort> {
  const director = options.director ?? (await makeUser({ role: 'director' }));
  const form = cohortForm(options.form, options.meetings);
  const id = await createCohort(cohortPayload(form), actor(director), CTX);
  const row = await knex('cohorts').where({ id }).first();
  const meetings = await knex('cohort_meetings as m')
    .join('engagements as e', 'e.id', 'm.engagement_id')
    .where('m.cohort_id', id)
    .orderBy('m.number')
    .select('m.id', 'm.number', 'm.engagement_id', 'e.date');
  return {
    id,
    caseId: Number(row.case_id),
    name: String(row.name),
    meetings: meetings.map((m: Record<string, unknown>) => ({
      id: Number(m.id),
      number: Number(m.number),
      engagement_id: Number(m.engagement_id),
      date: String(m.date),
    })),
  };
}

/** A valid application as the public form posts it; override any field. */
export function applicationForm(overrides: Fields = {}): Fields {
  return {
    idempotency_key: crypto.randomBytes(16).toString('base64url'),
    name: 'Rosa Benally',
    email: `${crypto.randomBytes(5).toString('hex')}@board.example.gov`,
    jurisdiction: 'NM',
    board_role: 'Vice chair',
    years_on_board: '4',
    equity_commitment: 'I chaired our equity task force and pushed for the equity audit.',
    race_culture_openness: 'I want to hear how other boards talk about race with their communities.',
    leadership: 'I led the rewrite of our discipline policy with students and families.',
    ...overrides,
  };
}

export interface TestApplication {
  id: number;
  token: string;
  statusPath: string;
}

/** An application stored through the service (the window must be open). */
export async function applyTo(cohortId: number, overrides: Fields = {}): Promise<TestApplication> {
  const form = applicationForm(overrides);
  const payload: Record<string, unknown> = { ...form, years_on_board: Number(form.years_on_board) };
  const result = await submitApplication(cohortId, payload, CTX);
  if (result.kind === 'honeypot') throw new Error('the test application was taken for a bot');
  return { id: result.applicationId, token: result.token, statusPath: `/applications/${result.token}` };
}

/** Makes the user one of the cohort's reviewers (once). */
export async function makeReviewer(cohortId: number, user: TestUser): Promise<void> {
  if (await db('cohort_reviewers').where({ cohort_id: cohortId, user_id: user.id }).first('id')) return;
  await db('cohort_reviewers').insert({ cohort_id: cohortId, user_id: user.id, created_at: nowIso(), updated_at: nowIso() });
}

/** Three scores and comments as the review form posts them. */
export function reviewForm(scores: [number, number, number], comment = 'Thoughtful answers.'): Fields {
  return {
    equity_score: String(scores[0]),
    equity_comment: `${comment} (equity)`,
    openness_score: String(scores[1]),
    openness_comment: `${comment} (openness)`,
    leadership_score: String(scores[2]),
    leadership_comment: `${comment} (leadership)`,
  };
}

/** A review stored through the service. */
export async function scoreAs(
  reviewer: TestUser,
  applicationId: number,
  scores: [number, number, number],
  comment?: string,
): Promise<void> {
  // Only a cohort's reviewers (and directors) may score: make a consultant one first.
  if (reviewer.role !== 'director') {
    const { cohort_id } = await db('applications').where({ id: applicationId }).first('cohort_id');
    await makeReviewer(Number(cohort_id), reviewer);
  }
  const form = reviewForm(scores, comment);
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) payload[k] = k.endsWith('_score') ? Number(v) : v;
  await scoreApplication(applicationId, payload, { id: reviewer.id });
}

export const decideAs = (
  director: TestUser,
  cohortId: number,
  applicationId: number,
  decision: 'selected' | 'waitlisted' | 'not_selected',
) => decide(cohortId, applicationId, { decision }, { id: director.id });

/** Attendance taken through the service: marks by application id, every roster member given. */
export async function attendAs(
  director: TestUser,
  cohortId: number,
  meetingId: number,
  marks: Record<number, 'present' | 'excused' | 'absent'>,
  summary = 'Discussed the readings.',
): Promise<void> {
  const body: Record<string, unknown> = { summary };
  for (const [id, status] of Object.entries(marks)) body[`attendance_${id}`] = status;
  await takeAttendance(cohortId, meetingId, body, actor(director), CTX);
}

/** A state team made through the service (by a director made for it), with `members` members. */
export async function makeTeam(jurisdiction: string, members = 2): Promise<number> {
  const payload: Record<string, unknown> = { jurisdiction };
  for (let n = 1; n <= members; n += 1) {
    payload[`member_${n}_name`] = `Member ${n} of ${jurisdiction}`;
    payload[`member_${n}_role`] = n === 1 ? 'Board member' : 'Policy director';
    payload[`member_${n}_organization`] = n === 1 ? 'state_board' : 'state_agency';
  }
  return createTeam(payload, await makeUser({ role: 'director' }));
}

/** A network event made through the service, on a date; returns its id. */
export async function makeEvent(director: TestUser, date: string, title = unique('Expert talk')): Promise<number> {
  return createEvent({ title, kind: 'expert_talk', date, duration_minutes: 75 }, actor(director), CTX);
}

export const attendEvent = (director: TestUser, eventId: number, teamIds: number[], summary = 'Heard the expert.') =>
  takeEventAttendance(eventId, { team_ids: teamIds, summary }, actor(director), CTX);

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

/** Rows of the tables a program action writes, to assert that a refused action changed nothing. */
export async function programState(knex: Knex): Promise<string> {
  const tables = [
    'cases',
    'case_events',
    'engagements',
    'engagement_jurisdictions',
    'engagement_consultants',
    'engagement_attendees',
    'cohorts',
    'cohort_meetings',
    'applications',
    'application_reviews',
    'meeting_attendances',
    'cohort_assignments',
    'assignment_completions',
    'network_teams',
    'network_team_members',
    'network_events',
    'network_event_teams',
    'network_event_cases',
    'network_team_cases',
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const rows = await knex(t).select('*');
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** The jurisdiction rows of an engagement, with the copied status, date and year. */
export async function listedJurisdictions(
  knex: Knex,
  engagementId: number,
): Promise<{ code: string; status: string; date: string; year: number }[]> {
  const rows = await knex('engagement_jurisdictions').where({ engagement_id: engagementId }).orderBy('jurisdiction_code');
  return rows.map((r: Record<string, unknown>) => ({
    code: String(r.jurisdiction_code),
    status: String(r.status),
    date: String(r.date),
    year: Number(r.year),
  }));
}

/**
 * Who was served through the programs, recounted from their own tables by PRODUCT.md's
 * definition: a jurisdiction is served on a day when one of its cohort participants was present
 * at a meeting delivered that day, or one of its teams attended an event delivered that day.
 * Days by jurisdiction, for each program.
 */
export async function programServedDays(knex: Knex): Promise<{ cohort: Map<string, string[]>; network: Map<string, string[]> }> {
  const meetings = await knex('meeting_attendances as t')
    .join('cohort_meetings as m', 'm.id', 't.cohort_meeting_id')
    .join('engagements as e', 'e.id', 'm.engagement_id')
    .join('applications as a', 'a.id', 't.application_id')
    .where({ 't.status': 'present', 'e.status': 'delivered' })
    .select('a.jurisdiction_code as code', 'e.date');
  const events = await knex('network_event_teams as x')
    .join('network_events as n', 'n.id', 'x.network_event_id')
    .join('engagements as e', 'e.id', 'n.engagement_id')
    .join('network_teams as t', 't.id', 'x.network_team_id')
    .where('e.status', 'delivered')
    .select('t.jurisdiction_code as code', 'e.date');
  const byCode = (rows: { code: string; date: string }[]) => {
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(r.code) ?? [];
      if (!list.includes(r.date)) list.push(r.date);
      out.set(r.code, list.sort());
    }
    return out;
  };
  return { cohort: byCode(meetings), network: byCode(events) };
}
