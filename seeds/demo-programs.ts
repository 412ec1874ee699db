import type { Knex } from 'knex';
import { insertMany } from '../server/db-sql';
import { decide, scoreApplication, submitApplication } from '../server/services/application.service';
import type { Actor, ProgramContext } from '../server/services/cohort-network-case.service';
import { submitRequest } from '../server/services/request.service';
import { addAssignment, recordCompletions, takeAttendance } from '../server/services/cohort-course.service';
import { createCohort } from '../server/services/cohort.service';
import { createEvent, takeEventAttendance } from '../server/services/network-events.service';
import { createTeam } from '../server/services/network.service';
import { assignReviewers } from '../server/services/review.service';
import { addDays, todayIn } from '../server/services/time';

/**
 * The programs' side of the demo: National Cohorts (last year's, decided and completed; this
 * year's, open and under review), State Policy Network teams and events, and survey answers. Made
 * through the services, as staff would, so every derived row (cases, meeting engagements, who was
 * served) is what the app itself writes; dates are relative to the real today, as the services'
 * rules are. Participants come from `served` only, so the demo's coverage stays as the history
 * made it.
 */
export interface ProgramDemoResult {
  cohorts: number;
  applications: number;
  reviews: number;
  selected: number;
  attendanceMarks: number;
  completions: number;
  teams: number;
  events: number;
  feedback: number;
  /** Requests waiting in triage, and how many of them are past the response target. */
  newRequests: number;
}

type Rng = {
  next: () => number;
  int: (min: number, max: number) => number;
  pick: <T>(list: readonly T[]) => T;
  chance: (p: number) => boolean;
};

const BOARD_ROLES = ['Board member', 'Board chair', 'Vice chair', 'Board secretary'];
const NAMES = [
  'Amara Osei',
  'Benjamin Tsosie',
  'Carmen Ruiz',
  'Deshawn Miller',
  'Elena Petrova',
  'Farah Haddad',
  'Gabriel Moreau',
  'Hana Sato',
  'Isaiah Greene',
  'Jasmine Wright',
  'Kwame Mensah',
  'Lucia Fernandez',
  'Marcus Bell',
  'Nadia Rahman',
  'Oscar Delgado',
  'Paloma Reyes',
  'Quentin Ward',
  'Renee Dubois',
  'Sofia Costa',
  'Tariq Aziz',
  'Uma Krishnan',
  'Victor Lang',
  'Winona Eagle',
];
const EQUITY = [
  'I chaired our equity task force and pushed for an equity audit of school funding.',
  'I led the board’s review of discipline data by race and disability.',
  'I helped write our state’s first equity policy and its yearly report.',
];
const OPENNESS = [
  'I want to learn how other boards talk about race with their communities.',
  'Our board avoids these conversations; I want the tools to start them.',
  'I grew up in a border town and want our policies to see every culture in our schools.',
];
const LEADERSHIP = [
  'I led the rewrite of our discipline policy with students and families.',
  'I organised listening sessions in every region of the state.',
  'I brought the board and the legislature together on early learning funding.',
];
const COMMENTS = [
  'Concrete examples and a clear plan.',
  'Thoughtful, but the answer stays general.',
  'A strong voice for students; would bring a lot to the cohort.',
  'Experienced and reflective.',
];
const EVENTS = [
  { title: 'Expert talk: funding formulas that close opportunity gaps', kind: 'expert_talk' },
  { title: 'Peer discussion: listening sessions that reach every family', kind: 'peer_discussion' },
  { title: 'Expert talk: reading an equity audit', kind: 'expert_talk' },
  { title: 'Peer discussion: next year’s legislative session', kind: 'peer_discussion' },
];
const FEEDBACK = [
  'The sessions gave our board a shared language for equity.',
  'Very practical; we used the framework at our next meeting.',
  'We would have liked one more session before our vote.',
  null,
  null,
];

async function actorOf(knex: Knex, id: number): Promise<Actor> {
  const u = await knex('users').where({ id }).first('id', 'name', 'email', 'role');
  return { id: Number(u.id), name: u.name, email: u.email, role: u.role };
}

function meetings(dates: string[], r: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  dates.forEach((date, i) => {
    const n = i + 1;
    const inPerson = n === 2;
    Object.assign(out, {
      [`meeting_${n}_date`]: date,
      [`meeting_${n}_start_time`]: r.pick(['13:00', '14:00', '15:30']),
      [`meeting_${n}_duration_minutes`]: 90,
      [`meeting_${n}_mode`]: inPerson ? 'in_person' : 'virtual',
      [`meeting_${n}_place`]: inPerson ? 'NASBE, Alexandria, Virginia' : 'Zoom',
    });
  });
  return out;
}

/** A cohort with its applications, and (when `decided`) reviews, decisions, attendance and assignments. */
async function cohortDemo(
  knex: Knex,
  r: Rng,
  ctx: ProgramContext,
  o: {
    today: string;
    meetingDays: number[];
    applicants: number;
    served: string[];
    director: Actor;
    reviewers: number[];
    decided: boolean;
    names: string[];
  },
  out: ProgramDemoResult,
) {
  const first = addDays(o.today, o.meetingDays[0]);
  const year = Number(first.slice(0, 4));
  const name = `National Cohort ${year}`;
  const id = await createCohort(
    {
      year,
      name,
      description: 'Board members from across the country learn together how to lead for equity: four meetings, readings between them.',
      opens_on: addDays(o.today, -14),
      closes_on: addDays(o.today, 21),
      ...meetings(
        o.meetingDays.map((d) => addDays(o.today, d)),
        r,
      ),
    },
    o.director,
    ctx,
  );
  out.cohorts += 1;
  await assignReviewers(id, { reviewer_ids: o.reviewers.map(String) }, o.director);
  const applicationIds: number[] = [];
  for (let i = 0; i < o.applicants; i += 1) {
    const person = o.names[i % o.names.length];
    const result = await submitApplication(
      id,
      {
        name: person,
        email: `${person.toLowerCase().replace(/[^a-z]+/g, '.')}.${year}@board.example.gov`,
        jurisdiction: r.pick(o.served),
        board_role: r.pick(BOARD_ROLES),
        years_on_board: r.int(1, 9),
        equity_commitment: r.pick(EQUITY),
        race_culture_openness: r.pick(OPENNESS),
        leadership: r.pick(LEADERSHIP),
      },
      ctx,
    );
    if (result.kind !== 'honeypot') applicationIds.push(result.applicationId);
  }
  out.applications += applicationIds.length;
  // Reviews: every reviewer scores last year's; this year's are half done, so there is work waiting.
  const totals = new Map<number, number>();
  for (const [k, applicationId] of applicationIds.entries()) {
    for (const [j, reviewer] of o.reviewers.entries()) {
      if (!o.decided && (k + j) % 2 === 1) continue;
      const s = () => r.int(2, 5);
      const scores = {
        equity_score: s(),
        equity_comment: r.pick(COMMENTS),
        openness_score: s(),
        openness_comment: r.pick(COMMENTS),
        leadership_score: s(),
        leadership_comment: r.pick(COMMENTS),
      };
      await scoreApplication(applicationId, scores, { id: reviewer });
      totals.set(applicationId, (totals.get(applicationId) ?? 0) + scores.equity_score + scores.openness_score + scores.leadership_score);
      out.reviews += 1;
    }
  }
  if (!o.decided) return;
  // The director follows the reviewers' ranking (every application has the same number of reviews).
  const ranked = [...applicationIds].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a - b);
  const selected = ranked.slice(0, 8);
  for (const [k, applicationId] of ranked.entries()) {
    await decide(id, applicationId, { decision: k < 8 ? 'selected' : k < 11 ? 'waitlisted' : 'not_selected' }, o.director);
  }
  out.selected += selected.length;
  const meetingRows = await knex('cohort_meetings').where({ cohort_id: id }).orderBy('number').select('id');
  for (const m of meetingRows) {
    const body: Record<string, unknown> = { summary: 'Discussed the readings and each member’s next step on their board.' };
    for (const a of selected) body[`attendance_${a}`] = r.chance(0.85) ? 'present' : r.pick(['excused', 'absent']);
    await takeAttendance(id, Number(m.id), body, o.director, ctx);
    out.attendanceMarks += selected.length;
  }
  for (const [n, title] of ['Reading: leading for equity on a state board', 'Reflection: an equity question for your board'].entries()) {
    const assignmentId = await addAssignment(id, { title, due_on: addDays(o.today, o.meetingDays[n + 1] - 3) }, o.director);
    const done = selected.filter(() => r.chance(0.8));
    await recordCompletions(id, assignmentId, { completed: done }, o.director);
    out.completions += done.length;
  }
  // Last year's window closed long ago (it was open only so that the service took the applications).
  await knex('cohorts')
    .where({ id })
    .update({ opens_on: addDays(first, -75), closes_on: addDays(first, -30) });
}

/** State teams from served states, and network events: three past, with attendance, and one ahead. */
async function networkDemo(r: Rng, ctx: ProgramContext, o: { today: string; served: string[]; director: Actor }, out: ProgramDemoResult) {
  const teamIds: number[] = [];
  for (const code of o.served.filter((c) => c !== 'DC').slice(0, 6)) {
    const payload: Record<string, unknown> = { jurisdiction: code };
    const members = r.int(2, 4);
    for (let n = 1; n <= members; n += 1) {
      Object.assign(payload, {
        [`member_${n}_name`]: r.pick(NAMES),
        [`member_${n}_role`]: n === 1 ? 'Board member' : r.pick(['Policy director', 'Deputy superintendent', 'Legislative liaison']),
        [`member_${n}_organization`]: n === 1 ? 'state_board' : r.pick(['state_agency', 'other']),
      });
    }
    teamIds.push(await createTeam(payload, o.director));
  }
  out.teams = teamIds.length;
  for (const [k, days] of [-150, -75, -20, 21].entries()) {
    const event = EVENTS[k];
    const id = await createEvent(
      { title: event.title, kind: event.kind, date: addDays(o.today, days), start_time: '15:00', duration_minutes: 75 },
      o.director,
      ctx,
    );
    out.events += 1;
    if (days < 0)
      await takeEventAttendance(
        id,
        {
          team_ids: teamIds.filter(() => r.chance(0.75)).slice(0, 6),
          summary: 'Teams shared where their states stand and what they will try next.',
        },
        o.director,
        ctx,
      );
  }
}

/** Survey answers on about half the completed cases, a few days after each closed. */
async function feedbackDemo(knex: Knex, r: Rng, out: ProgramDemoResult) {
  const completed = await knex('cases').where({ status: 'completed', track: 'ta' }).orderBy('id').select('id', 'closed_at');
  const rows = completed
    .filter(() => r.chance(0.5))
    .map((c: { id: unknown; closed_at: unknown }) => ({
      case_id: Number(c.id),
      quality: r.int(3, 5),
      relevance: r.int(3, 5),
      usefulness: r.int(2, 5),
      comment: r.pick(FEEDBACK),
      created_at: new Date(
        new Date(String(c.closed_at instanceof Date ? c.closed_at.toISOString() : c.closed_at)).getTime() + r.int(1, 6) * 86_400_000,
      ).toISOString(),
    }));
  await insertMany(knex, 'feedback', rows);
  out.feedback = rows.length;
}

const REQUESTS = [
  { title: 'Equity lens for our strategic plan', topics: ['equity-lens', 'board-governance'] },
  { title: 'Listening sessions before the budget vote', topics: ['community-engagement'] },
  { title: 'Reviewing our accountability plan', topics: ['essa-accountability', 'data-equity-audits'] },
  { title: 'Orientation for four new board members', topics: ['board-governance'] },
  { title: 'Early learning priorities for the session', topics: ['early-learning'] },
  { title: 'Discipline data by school and group', topics: ['school-climate', 'data-equity-audits'] },
];

/** New requests waiting in triage, sent 1 to 16 days ago: the older ones are past the response target. */
async function triageDemo(r: Rng, ctx: { secret: string; timeZone: string }, served: string[], out: ProgramDemoResult) {
  for (const [k, days] of [1, 3, 6, 9, 12, 16].entries()) {
    const person = NAMES[(k * 5 + 2) % NAMES.length];
    const code = r.pick(served);
    const result = await submitRequest(
      {
        jurisdiction: code,
        name: person,
        email: `${person.toLowerCase().replace(/[^a-z]+/g, '.')}@board.example.gov`,
        role: 'Board member',
        organization_type: 'state_board',
        organization_name: 'State Board of Education',
        track: 'ta',
        topics: REQUESTS[k].topics,
        preferred_format: r.pick(['one_on_one', 'small_group', 'no_preference']),
        title: REQUESTS[k].title,
        needs: 'Our board wants expert support to lead for equity on this question this year.',
        expected_participants: r.int(4, 15),
      },
      {
        source: 'web_form',
        secret: ctx.secret,
        timeZone: ctx.timeZone,
        now: new Date(Date.now() - days * 86_400_000 - r.int(1, 8) * 3_600_000),
      },
    );
    if (result.kind !== 'honeypot') out.newRequests += 1;
  }
}

export async function generateProgramDemo(
  knex: Knex,
  r: Rng,
  o: { secret: string; timeZone: string; served: string[]; directorId: number; consultantIds: number[] },
): Promise<ProgramDemoResult> {
  const out: ProgramDemoResult = {
    cohorts: 0,
    applications: 0,
    reviews: 0,
    selected: 0,
    attendanceMarks: 0,
    completions: 0,
    teams: 0,
    events: 0,
    feedback: 0,
    newRequests: 0,
  };
  const ctx: ProgramContext = { secret: o.secret, timeZone: o.timeZone };
  const today = todayIn(o.timeZone);
  const director = await actorOf(knex, o.directorId);
  const served = o.served.length ? o.served : ['DC'];
  // consultant1 (the sign-in the demo prints) reviews this year's cohort, blind.
  await cohortDemo(
    knex,
    r,
    ctx,
    {
      today,
      meetingDays: [-300, -240, -180, -120],
      applicants: 14,
      served,
      director,
      reviewers: o.consultantIds.slice(1, 4),
      decided: true,
      names: NAMES,
    },
    out,
  );
  await cohortDemo(
    knex,
    r,
    ctx,
    {
      today,
      meetingDays: [40, 70, 100, 130],
      applicants: 9,
      served,
      director,
      reviewers: o.consultantIds.slice(0, 2),
      decided: false,
      names: NAMES.slice(9),
    },
    out,
  );
  await networkDemo(r, ctx, { today, served, director }, out);
  await feedbackDemo(knex, r, out);
  await triageDemo(r, ctx, served, out);
  return out;
}
