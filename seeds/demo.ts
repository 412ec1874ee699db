import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertMany, resetIdSequence } from '../server/db-sql';
import { rebuildRollups } from '../server/queries/report-rollup.queries';
import { ConflictError } from '../server/errors';
import { JURISDICTIONS } from './data/jurisdictions';
import { ProgramDemoResult, generateProgramDemo } from './demo-programs';

/**
 * A realistic, deterministic history of LEEP's work from 2017 to a given day: consultants, cases
 * across the three tracks, and scheduled, delivered and cancelled engagements. With the default
 * options it serves 15 states and the District of Columbia, growing year by year, as LEEP reports.
 */
export interface DemoOptions {
  cases: number;
  engagements: number;
  consultants: number;
  /** How many jurisdictions are ever served (the first N of SERVED_ORDER). */
  jurisdictions: number;
  seed: number;
  /** YYYY-MM-DD; the history ends here. */
  today: string;
  /** The password of every demo account, already hashed. */
  passwordHash: string;
  /** Attendees, messages and notes; left out for benchmark sizes. */
  details?: boolean;
  /**
   * With details: also the programs (cohorts, network, survey answers, requests in triage), made
   * through the services with this secret and time zone, dated from the real today.
   */
  programs?: { secret: string; timeZone: string };
}

export interface DemoResult {
  cases: number;
  engagements: number;
  served: string[];
  consultants: { email: string; name: string }[];
  director: string;
  messages: number;
  notes: number;
  programs?: ProgramDemoResult;
}

// LEEP's 16: DC first, then states in the order they joined; the rest only at larger sizes.
const SERVED_ORDER = ['DC', 'OH', 'KY', 'MI', 'NV', 'IL', 'NM', 'MA', 'NC', 'WA', 'GA', 'VA', 'MD', 'KS', 'TN', 'CA'];
const ALL_CODES = [...SERVED_ORDER, ...JURISDICTIONS.map((j) => j.code).filter((c) => !SERVED_ORDER.includes(c))];

const FIRST = [
  'Avery',
  'Jordan',
  'Maya',
  'Luis',
  'Priya',
  'Darnell',
  'Grace',
  'Hiroshi',
  'Imani',
  'Kateri',
  'Noah',
  'Rosa',
  'Samuel',
  'Tanya',
  'Wei',
  'Yolanda',
  'Omar',
  'Leah',
  'Andre',
  'Mei',
];
const LAST = [
  'Johnson',
  'Martinez',
  'Okafor',
  'Nguyen',
  'Begay',
  'Campbell',
  'Patel',
  'Robinson',
  'Kim',
  'Alvarez',
  'Thompson',
  'Washington',
  'Chen',
  'Harris',
  'Lopez',
  'Brooks',
  'Singh',
  'Walker',
  'Rivera',
  'Yazzie',
];
const TITLES = [
  'Equity lens for the strategic plan',
  'Board retreat on courageous conversations',
  'Closing opportunity gaps in early grades',
  'Reviewing the ESSA accountability plan',
  'School discipline policy review',
  'Growing a diverse educator workforce',
  'Early learning policy priorities',
  'Designing an equity audit',
  'Community listening sessions',
  'New member orientation on governance',
];
const TOPICS = [
  'equity-lens',
  'courageous-conversations',
  'opportunity-gaps',
  'essa-accountability',
  'school-climate',
  'educator-diversity',
  'early-learning',
  'data-equity-audits',
  'community-engagement',
  'board-governance',
];
const FORMATS = ['one_on_one', 'small_group', 'online_training'];

/** mulberry32: a small seeded generator, so the same seed always gives the same history. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)],
    chance: (p: number) => next() < p,
  };
}

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

function businessDays(from: number, to: number): number {
  let n = 0;
  for (let t = from + DAY; t <= to; t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n += 1;
  }
  return n;
}

/** What the demo made, in one line: the history, then each program's figures. */
export function demoSummary(r: DemoResult): string {
  const parts = [`${r.cases} cases`, `${r.engagements} engagements`, `${r.served.length} jurisdictions served`];
  const p = r.programs;
  if (p) {
    parts.push(
      `${p.cohorts} National Cohorts (${p.applications} applications, ${p.reviews} reviews, ${p.selected} selected, ${p.attendanceMarks} attendance marks, ${p.completions} assignments completed)`,
      `${p.teams} State Policy Network teams and ${p.events} events`,
      `${p.feedback} survey answers`,
      `${p.newRequests} new requests in triage`,
      `${r.messages} messages and ${r.notes} notes`,
    );
  }
  return parts.join(', ');
}

export async function generateDemo(knex: Knex, o: DemoOptions): Promise<DemoResult> {
  const { result, directorId, consultantIds } = await generateHistory(knex, o);
  // Written straight into the tables: the report roll-ups are made from them afterwards.
  const rebuild = () => knex.transaction((trx) => rebuildRollups(trx));
  if (!o.details || !o.programs) {
    await rebuild();
    return result;
  }
  const programs = await generateProgramDemo(knex, rng(o.seed + 1), { ...o.programs, served: result.served, directorId, consultantIds });
  await rebuild();
  const count = async (table: string) => Number((await knex(table).count({ n: '*' }))[0].n);
  return { ...result, messages: await count('case_messages'), notes: await count('case_notes'), programs };
}

async function generateHistory(knex: Knex, o: DemoOptions): Promise<{ result: DemoResult; directorId: number; consultantIds: number[] }> {
  const r = rng(o.seed);
  const start = msOf('2017-01-09');
  const end = msOf(o.today);
  const codes = ALL_CODES.slice(0, Math.min(o.jurisdictions, ALL_CODES.length));
  const otherCodes = ALL_CODES.slice(codes.length);
  const topicRows: { id: number; slug: string }[] = await knex('topics').select('id', 'slug');
  const topicId = new Map(topicRows.map((t) => [t.slug, Number(t.id)]));
  const at = new Date(end).toISOString();

  return knex.transaction(async (trx) => {
    if (Number((await trx('cases').count({ n: '*' }))[0].n) > 0)
      throw new ConflictError('The database already has cases; demo data goes into an empty database.');

    // People: one director and the consultants, each with two or three areas of expertise.
    const director = 'director@leep.example';
    const [dirRow] = await trx('users')
      .insert({
        email: director,
        name: 'Dana Director',
        role: 'director',
        password_hash: o.passwordHash,
        active: true,
        capacity: 10,
        created_at: at,
        updated_at: at,
      })
      .returning('id');
    const directorId = Number(typeof dirRow === 'object' ? dirRow.id : dirRow);
    const consultants: { id: number; email: string; name: string; topics: string[] }[] = [];
    for (let i = 0; i < o.consultants; i += 1) {
      const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]}`;
      const email = `consultant${i + 1}@leep.example`;
      const [row] = await trx('users')
        .insert({
          email,
          name,
          role: 'consultant',
          password_hash: o.passwordHash,
          active: true,
          capacity: r.int(4, 8),
          created_at: at,
          updated_at: at,
        })
        .returning('id');
      const id = Number(typeof row === 'object' ? row.id : row);
      const topics = [...new Set([r.pick(TOPICS), r.pick(TOPICS), r.pick(TOPICS)])];
      consultants.push({ id, email, name, topics });
    }
    await insertMany(
      trx,
      'user_topics',
      consultants.flatMap((c) => c.topics.map((t) => ({ user_id: c.id, topic_id: topicId.get(t) }))),
    );

    // Requests grow over the years: the density rises linearly to three times its start
    // (inverse of the CDF (t + t²)/2), sorted by time.
    const span = end - 3 * DAY - start;
    const times = Array.from({ length: o.cases }, () => start + span * ((Math.sqrt(1 + 8 * r.next()) - 1) / 2)).sort((a, b) => a - b);
    // Jurisdiction k first appears at the case at this index, spread over the first 80% of history.
    const introAt = new Map<number, string>();
    codes.forEach((code, k) => introAt.set(Math.floor((k / codes.length) * o.cases * 0.8), code));

    const caseRows: Record<string, unknown>[] = [];
    const caseTopics: Record<string, unknown>[] = [];
    const supporters: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    const counters = new Map<number, number>();
    const introduced: string[] = [];
    const plan: {
      id: number;
      code: string;
      track: string;
      status: string;
      lead: number;
      support?: number;
      topics: string[];
      assigned: number;
      closed?: number;
      servable: boolean;
    }[] = [];

    for (let i = 0; i < o.cases; i += 1) {
      const id = i + 1;
      const submitted = Math.floor(times[i]);
      const age = (end - submitted) / DAY;
      const forced = introAt.get(i);
      if (forced) introduced.push(forced);
      // A few requests come from states LEEP has not served; they never get a delivered engagement.
      const outsider = !forced && otherCodes.length > 0 && r.chance(0.06);
      const code = forced ?? (outsider ? r.pick(otherCodes) : r.pick(introduced.length ? introduced : [codes[0]]));
      const track = forced ? 'ta' : r.chance(0.7) ? 'ta' : r.chance(0.65) ? 'network' : 'cohort';
      let status: string;
      if (forced) status = age > 60 ? 'completed' : 'in_progress';
      else if (outsider) status = age < 10 ? 'new' : r.pick(['declined', 'withdrawn', 'declined']);
      else if (age < 8) status = r.chance(0.7) ? 'new' : 'assigned';
      else if (age < 120) status = r.pick(['assigned', 'in_progress', 'in_progress', 'on_hold', 'completed']);
      else status = r.chance(0.88) ? 'completed' : r.pick(['declined', 'withdrawn', 'in_progress']);
      const year = new Date(submitted).getUTCFullYear();
      const seq = (counters.get(year) ?? 0) + 1;
      counters.set(year, seq);
      const topics = [...new Set([r.pick(TOPICS), r.pick(TOPICS)])].slice(0, r.int(1, 2));
      const assignedLag = r.int(1, 9) * DAY + r.int(1, 8) * 3_600_000;
      const assigned = ['new', 'declined'].includes(status) || (status === 'withdrawn' && r.chance(0.5)) ? 0 : submitted + assignedLag;
      const lead = assigned ? r.pick(consultants).id : 0;
      const support = assigned && r.chance(0.25) ? r.pick(consultants).id : undefined;
      const closed = ['completed', 'declined', 'withdrawn'].includes(status)
        ? Math.min(end - DAY, submitted + r.int(20, 200) * DAY)
        : undefined;
      const title = `${r.pick(TITLES)}${track === 'network' ? ' (State Policy Network team)' : track === 'cohort' ? ' (National Cohort)' : ''}`;
      const requester = `${r.pick(FIRST)} ${r.pick(LAST)}`;
      const token = crypto.createHash('sha256').update(`demo-${o.seed}-${id}`).digest('base64url');
      caseRows.push({
        id,
        reference: `TA-${year}-${String(seq).padStart(4, '0')}`,
        track,
        status,
        priority: r.chance(0.1) ? 'high' : 'normal',
        source: track === 'ta' ? (r.chance(0.9) ? 'web_form' : 'staff') : 'staff',
        jurisdiction_code: code,
        requester_name: requester,
        requester_email: `${requester.toLowerCase().replace(/[^a-z]+/g, '.')}@board.example.gov`,
        requester_phone: null,
        requester_title: r.pick(['Board member', 'Board chair', 'Executive director', 'Policy advisor']),
        organization_type: r.chance(0.8) ? 'state_board' : 'state_agency',
        organization_name: `${JURISDICTIONS.find((j) => j.code === code)?.name} State Board of Education`,
        preferred_format: r.pick([...FORMATS, 'no_preference']),
        title,
        needs: 'The board wants to build its capacity to lead for equity on this issue and asked LEEP for expert support.',
        outcomes: r.chance(0.6) ? 'A shared understanding and concrete next steps for the board.' : null,
        preferred_start: null,
        deadline: r.chance(0.3) ? dateOf(submitted + r.int(30, 180) * DAY) : null,
        expected_participants: r.int(3, 25),
        lead_consultant_id: lead || null,
        closing_summary: status === 'completed' ? 'Delivered as planned; the board adopted next steps.' : null,
        closing_reason:
          status === 'declined'
            ? 'Outside the scope of LEEP technical assistance.'
            : status === 'withdrawn'
              ? 'The board withdrew the request.'
              : null,
        status_token_hash: crypto.createHash('sha256').update(token).digest('hex'),
        idempotency_key: null,
        request_hash: null,
        submitted_at: new Date(submitted).toISOString(),
        first_assigned_at: assigned ? new Date(assigned).toISOString() : null,
        assignment_business_days: assigned ? businessDays(submitted, assigned) : null,
        first_engagement_at: null,
        closed_at: closed ? new Date(closed).toISOString() : null,
        created_at: new Date(submitted).toISOString(),
        updated_at: new Date(closed ?? assigned ?? submitted).toISOString(),
      });
      for (const t of topics) caseTopics.push({ case_id: id, topic_id: topicId.get(t) });
      if (support && support !== lead) supporters.push({ case_id: id, user_id: support });
      events.push({
        case_id: id,
        actor_user_id: null,
        actor_kind: 'requester',
        kind: 'case.created',
        before_json: null,
        after_json: JSON.stringify({ reference: caseRows[i].reference, status: 'new' }),
        created_at: new Date(submitted).toISOString(),
      });
      if (assigned)
        events.push({
          case_id: id,
          actor_user_id: directorId,
          actor_kind: 'staff',
          kind: 'case.assigned',
          before_json: JSON.stringify({ lead_consultant_id: null }),
          after_json: JSON.stringify({ lead_consultant_id: lead }),
          created_at: new Date(assigned).toISOString(),
        });
      if (closed)
        events.push({
          case_id: id,
          actor_user_id: lead || directorId,
          actor_kind: 'staff',
          kind: 'case.status_changed',
          before_json: JSON.stringify({ status: 'in_progress' }),
          after_json: JSON.stringify({ status }),
          created_at: new Date(closed).toISOString(),
        });
      plan.push({ id, code, track, status, lead, support, topics, assigned, closed, servable: !outsider });
    }

    // Engagements: every case in progress, on hold or completed has at least one delivered one;
    // the rest are spread over them, with scheduled ones ahead on open cases and a few cancelled.
    const delivering = plan.filter((p) => p.servable && ['in_progress', 'on_hold', 'completed'].includes(p.status));
    const scheduling = plan.filter((p) => ['assigned', 'in_progress'].includes(p.status));
    const engRows: Record<string, unknown>[] = [];
    const engConsultants: Record<string, unknown>[] = [];
    const engJurisdictions: Record<string, unknown>[] = [];
    const engTopics: Record<string, unknown>[] = [];
    const attendees: Record<string, unknown>[] = [];
    const firstDelivered = new Map<number, number>();
    const servedCodes = (upTo: number) => introduced.slice(0, Math.max(1, upTo));

    const addEngagement = (p: (typeof plan)[number], status: string, when: number) => {
      const id = engRows.length + 1;
      const date = dateOf(when);
      const [y, m] = date.split('-').map(Number);
      const format = p.track === 'network' ? r.pick(['small_group', 'online_training']) : r.pick(FORMATS);
      const codesHere = new Set([p.code]);
      if (p.track !== 'ta' && p.servable) {
        const pool = servedCodes(introduced.indexOf(p.code) + 1 + r.int(0, 3)).filter((c) => c !== undefined);
        for (let k = r.int(1, 5); k > 0; k -= 1) codesHere.add(r.pick(pool));
      }
      const participants = format === 'one_on_one' ? r.int(1, 3) : r.int(4, 30);
      engRows.push({
        id,
        case_id: p.id,
        date,
        start_time: r.chance(0.8) ? `${String(r.int(9, 16)).padStart(2, '0')}:${r.pick(['00', '30'])}` : null,
        year: y,
        month: m,
        duration_minutes: r.pick([30, 45, 60, 60, 90, 90, 120, 180, 240]),
        format,
        status,
        participant_count: participants,
        summary: status === 'delivered' ? 'Discussed the board’s goals and agreed on next steps.' : null,
        follow_up_actions: null,
        follow_up_date: null,
        created_by: p.lead || null,
        created_at: new Date(Math.min(when, end)).toISOString(),
        updated_at: new Date(Math.min(when, end)).toISOString(),
      });
      engConsultants.push({ engagement_id: id, user_id: p.lead });
      if (p.support && p.support !== p.lead && r.chance(0.5)) engConsultants.push({ engagement_id: id, user_id: p.support });
      for (const code of codesHere) engJurisdictions.push({ engagement_id: id, jurisdiction_code: code, status, date, year: y });
      engTopics.push({ engagement_id: id, topic_id: topicId.get(r.pick(p.topics)) });
      if (o.details && status === 'delivered' && r.chance(0.3)) {
        for (let k = Math.min(participants, r.int(1, 3)); k > 0; k -= 1) {
          attendees.push({
            engagement_id: id,
            name: `${r.pick(FIRST)} ${r.pick(LAST)}`,
            role: 'Board member',
            jurisdiction_code: r.pick([...codesHere]),
          });
        }
      }
      if (status === 'delivered' && (!firstDelivered.has(p.id) || when < (firstDelivered.get(p.id) as number)))
        firstDelivered.set(p.id, when);
    };

    const windowOf = (p: (typeof plan)[number]) => {
      const from = p.assigned + 2 * DAY;
      const to = Math.max(from, Math.min(p.closed ?? end - DAY, end - DAY));
      return { from, to };
    };
    for (const p of delivering) {
      const w = windowOf(p);
      addEngagement(p, 'delivered', w.from + r.next() * (w.to - w.from));
    }
    const remaining = Math.max(0, o.engagements - engRows.length);
    for (let k = 0; k < remaining; k += 1) {
      const roll = r.next();
      if (roll < 0.06 && scheduling.length) {
        const p = r.pick(scheduling);
        addEngagement(p, 'scheduled', end + r.int(1, 60) * DAY);
      } else if (roll < 0.11 && delivering.length) {
        const p = r.pick(delivering);
        const w = windowOf(p);
        addEngagement(p, 'cancelled', w.from + r.next() * (w.to - w.from));
      } else if (delivering.length) {
        const p = r.pick(delivering);
        const w = windowOf(p);
        addEngagement(p, 'delivered', w.from + r.next() * (w.to - w.from));
      }
    }
    for (const row of caseRows) {
      const first = firstDelivered.get(row.id as number);
      if (first) row.first_engagement_at = new Date(Math.floor(first / DAY) * DAY + 15 * 3_600_000).toISOString();
    }

    await insertMany(trx, 'cases', caseRows);
    await insertMany(trx, 'case_topics', caseTopics);
    await insertMany(trx, 'case_supporters', supporters);
    await insertMany(trx, 'case_events', events);
    await insertMany(trx, 'engagements', engRows);
    const seenPairs = new Set<string>();
    await insertMany(
      trx,
      'engagement_consultants',
      engConsultants.filter((e) => {
        const key = `${e.engagement_id}:${e.user_id}`;
        if (seenPairs.has(key)) return false;
        seenPairs.add(key);
        return true;
      }),
    );
    await insertMany(trx, 'engagement_jurisdictions', engJurisdictions);
    await insertMany(trx, 'engagement_topics', engTopics);
    await insertMany(trx, 'engagement_attendees', attendees);
    let messages = 0;
    let notes = 0;
    if (o.details) {
      const open = plan.filter((p) => p.status === 'in_progress').slice(-20);
      const staffMessages = open.map((p) => ({
        case_id: p.id,
        author_kind: 'staff',
        author_user_id: p.lead,
        body: 'Thank you for your request. I look forward to working with your board.',
        created_at: new Date(p.assigned + DAY).toISOString(),
      }));
      // Every other requester answers, so that the case pages show a conversation.
      const replies = open
        .filter((_p, i) => i % 2 === 0)
        .map((p) => ({
          case_id: p.id,
          author_kind: 'requester',
          author_user_id: null,
          body: 'Thank you! Could we meet before our March board meeting?',
          created_at: new Date(p.assigned + 2 * DAY).toISOString(),
        }));
      await insertMany(
        trx,
        'case_messages',
        [...staffMessages, ...replies].sort((a, b) => a.case_id - b.case_id || a.created_at.localeCompare(b.created_at)),
      );
      messages = staffMessages.length + replies.length;
      notes = open.length;
      await insertMany(
        trx,
        'case_notes',
        open.map((p) => ({
          case_id: p.id,
          author_user_id: p.lead,
          body: 'Initial call held; the chair wants a session before the spring retreat.',
          created_at: new Date(p.assigned + 2 * DAY).toISOString(),
        })),
      );
    }
    for (const [year, last] of counters) {
      await trx('reference_counters').insert({ year, last }).onConflict('year').merge(['last']);
    }
    for (const table of ['cases', 'case_events', 'engagements', 'engagement_attendees', 'case_messages', 'case_notes'])
      await resetIdSequence(trx, table);

    const served = [...new Set(engJurisdictions.filter((e) => e.status === 'delivered').map((e) => e.jurisdiction_code as string))].sort();
    return {
      result: {
        cases: caseRows.length,
        engagements: engRows.length,
        served,
        consultants: consultants.map(({ email, name }) => ({ email, name })),
        director,
        messages,
        notes,
      },
      directorId,
      consultantIds: consultants.map((c) => c.id),
    };
  });
}
