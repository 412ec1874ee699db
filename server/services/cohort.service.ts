import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { FieldError, NotFoundError, ValidationError } from '../errors';
import { rosterOf } from '../queries/application.queries';
import { findCaseById, updateCase } from '../queries/case.queries';
import {
  CohortRow,
  MeetingRow,
  assignmentsOfCohort,
  attendanceOfCohort,
  completionsOfCohort,
  findCohort,
  findCohortByKey,
  findCohortByName,
  listCohorts,
  openCohorts,
  insertCohort,
  insertMeeting,
  lockCohort,
  meetingsOfCohort,
  updateCohortRow,
  updateMeeting,
} from '../queries/cohort.queries';
import { findEngagement } from '../queries/engagement.queries';
import { CohortInput, MeetingInput, meetingsOf, validateCohort } from '../schemas/cohort.schemas';
import { transaction } from '../queries/database.queries';
import {
  Actor,
  PROGRAM_FORMAT,
  ProgramContext,
  addProgramEngagement,
  attendanceOpen,
  openProgramCase,
  removeProgramEngagement,
  rescheduleProgramEngagement,
} from './cohort-network-case.service';
import { recordEvent } from './events.service';
import { courseProgress } from './cohort-progress';
import { directorOr403, isDirector } from './program-access';

/*
 * A cohort set up: opened with its case and meetings, changed, listed and shown. What happens
 * during the course (attendance, assignments) is in cohort-course.service.ts.
 */

/** NASBE's home: the jurisdiction of the case that holds a cohort's meetings. */
const COHORT_CASE_JURISDICTION = 'DC';

const caseTitle = (c: { year: number; name: string }) => `National Cohort ${c.year}: ${c.name}`;

/** The cohort, or 404. */
export async function cohortOr404(id: number): Promise<CohortRow> {
  const cohort = await findCohort(id);
  if (!cohort) throw new NotFoundError('We could not find that cohort.');
  return cohort;
}

/**
 * The cohorts page: the cohorts taking applications today, for anyone; every cohort (with its
 * counts) too, for a director only.
 */
export async function cohortsPage(today: string, user?: { id: number }) {
  const all = user && (await isDirector(user)) ? await listCohorts() : [];
  return { open: await openCohorts(today), all };
}

/** A cohort's meetings that take place (not cancelled), for applicants and participants. */
export async function meetingsHeld(cohortId: number): Promise<MeetingRow[]> {
  return (await meetingsOfCohort(cohortId)).filter((m) => m.status !== 'cancelled');
}

/** True while the cohort takes applications (both days of the window included). */
export function windowOpen(cohort: Pick<CohortRow, 'opens_on' | 'closes_on'>, today: string): boolean {
  return cohort.opens_on <= today && today <= cohort.closes_on;
}

/** The schema, then the rules across fields and the database: the year's names are unique. */
async function checkCohort(payload: unknown, existingId?: number): Promise<{ input: CohortInput; meetings: MeetingInput[] }> {
  const input = validateCohort(payload);
  const { meetings, errors } = meetingsOf(input);
  if (input.closes_on < input.opens_on)
    errors.unshift({ field: 'closes_on', message: 'The date applications close must be on or after the date they open' });
  const same = await findCohortByName(input.year, input.name.trim());
  if (same && same.id !== existingId)
    errors.unshift({ field: 'name', message: `There is already a cohort named “${input.name.trim()}” in ${input.year}` });
  if (errors.length) throw new ValidationError(errors);
  return { input, meetings };
}

const nameTaken = (input: CohortInput) =>
  new ValidationError([{ field: 'name', message: `There is already a cohort named “${input.name.trim()}” in ${input.year}` }]);
const whenOf = (m: MeetingInput) => ({ date: m.date, start_time: m.start_time, duration_minutes: m.duration_minutes });

/**
 * Opens a cohort: its case (track cohort, assigned to the director), the cohort and one scheduled
 * engagement for each meeting, in one transaction.
 */
export async function createCohort(payload: unknown, actor: Actor, ctx: ProgramContext): Promise<number> {
  await directorOr403(actor);
  const key = (payload as { idempotency_key?: unknown } | null)?.idempotency_key;
  // The same form sent again (a double click, a reload) gives back the cohort it opened.
  const earlier = typeof key === 'string' ? await findCohortByKey(key) : undefined;
  if (earlier) return earlier.id;
  const { input, meetings } = await checkCohort(payload);
  try {
    return await transaction(async (trx) => {
      const { caseId } = await openProgramCase(
        trx,
        {
          track: 'cohort',
          jurisdiction: COHORT_CASE_JURISDICTION,
          title: caseTitle({ year: input.year, name: input.name.trim() }),
          needs:
            input.description?.trim() ||
            `The ${input.year} National Cohort: an eight-week course for board members, with its meetings, assignments and selection from applications.`,
          organizationName: 'National Association of State Boards of Education',
          preferredFormat: PROGRAM_FORMAT,
          lead: true,
        },
        actor,
        ctx,
      );
      const at = nowIso();
      const cohortId = await insertCohort(trx, {
        case_id: caseId,
        year: input.year,
        name: input.name.trim(),
        description: input.description?.trim() || null,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        created_by_user_id: actor.id,
        idempotency_key: input.idempotency_key ?? null,
        created_at: at,
        updated_at: at,
      });
      for (const m of meetings) {
        const engagementId = await addProgramEngagement(trx, caseId, whenOf(m), actor);
        await insertMeeting(trx, {
          cohort_id: cohortId,
          number: m.number,
          engagement_id: engagementId,
          mode: m.mode,
          place: m.place,
          created_at: at,
          updated_at: at,
        });
      }
      return cohortId;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const raced = input.idempotency_key ? await findCohortByKey(input.idempotency_key) : undefined;
    if (raced) return raced.id;
    throw nameTaken(input);
  }
}

/**
 * Changes a cohort and its meetings. A meeting whose attendance was taken cannot be removed, nor
 * moved into the future; a cleared slot removes a meeting that has not taken place.
 */
export async function updateCohort(cohortId: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<void> {
  await directorOr403(actor);
  const cohort = await cohortOr404(cohortId);
  const { input, meetings } = await checkCohort(payload, cohortId);
  try {
    await transaction(async (trx) => {
      // The meetings and their attendance are read inside the transaction, the cohort locked, so
      // that attendance taken meanwhile (on another instance) is not overwritten by this edit.
      await lockCohort(trx, cohortId);
      const existing = await meetingsOfCohort(cohortId, trx);
      const errors: FieldError[] = [];
      for (const old of existing.filter((m) => m.status === 'delivered')) {
        const next = meetings.find((m) => m.number === old.number);
        if (!next)
          errors.push({
            field: `meeting_${old.number}_date`,
            message: `Meeting ${old.number} has its attendance taken: it cannot be removed`,
          });
        else if (!attendanceOpen(next.date, ctx))
          errors.push({
            field: `meeting_${old.number}_date`,
            message: `Meeting ${old.number} has its attendance taken: it cannot be moved into the future`,
          });
      }
      if (errors.length) throw new ValidationError(errors);
      const engagements = new Map<number, Awaited<ReturnType<typeof findEngagement>>>();
      for (const m of existing) engagements.set(m.id, await findEngagement(m.engagement_id, trx));
      const at = nowIso();
      const name = input.name.trim();
      await updateCohortRow(trx, cohortId, {
        year: input.year,
        name,
        description: input.description?.trim() || null,
        opens_on: input.opens_on,
        closes_on: input.closes_on,
        updated_at: at,
      });
      const kase = await findCaseById(cohort.case_id, trx);
      const title = caseTitle({ year: input.year, name });
      if (kase && kase.title !== title) {
        await updateCase(trx, kase.id, { title, updated_at: at });
        await recordEvent(trx, {
          case_id: kase.id,
          actor_user_id: actor.id,
          actor_kind: 'staff',
          kind: 'case.updated',
          before: { title: kase.title },
          after: { title },
          created_at: at,
        });
      }
      for (const old of existing) {
        const engagement = engagements.get(old.id);
        if (!engagement) continue;
        const next = meetings.find((m) => m.number === old.number);
        if (!next) {
          await removeProgramEngagement(trx, engagement, actor);
          continue;
        }
        await rescheduleProgramEngagement(trx, engagement, whenOf(next), actor, ctx);
        if (next.mode !== old.mode || next.place !== old.place)
          await updateMeeting(trx, old.id, { mode: next.mode, place: next.place, updated_at: at });
      }
      for (const m of meetings.filter((x) => !existing.some((old) => old.number === x.number))) {
        const engagementId = await addProgramEngagement(trx, cohort.case_id, whenOf(m), actor);
        await insertMeeting(trx, {
          cohort_id: cohortId,
          number: m.number,
          engagement_id: engagementId,
          mode: m.mode,
          place: m.place,
          created_at: at,
          updated_at: at,
        });
      }
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input);
    throw err;
  }
}

/** Everything the director's cohort page shows: meetings, roster with progress, assignments (directors). */
export async function cohortDetail(cohortId: number, actor: { id: number }) {
  await directorOr403(actor);
  const cohort = await cohortOr404(cohortId);
  const [meetings, roster, attendance, assignments, completions] = await Promise.all([
    meetingsOfCohort(cohortId),
    rosterOf(cohortId),
    attendanceOfCohort(cohortId),
    assignmentsOfCohort(cohortId),
    completionsOfCohort(cohortId),
  ]);
  const progress = courseProgress(meetings, roster, attendance, assignments, completions);
  return { cohort, meetings, roster, attendance, assignments, completions, progress };
}
