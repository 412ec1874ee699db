import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { FieldError, NotFoundError, ValidationError } from '../errors';
import { findCaseByIdempotencyKey } from '../queries/case.queries';
import { transaction } from '../queries/database.queries';
import {
  TeamRow,
  casesOfTeam,
  eventsOfTeam,
  findTeam,
  findTeamByJurisdiction,
  insertTeam,
  linkTeamCase,
  listTeams,
  membersOfTeams,
  replaceMembers,
  updateTeamRow,
} from '../queries/network.queries';
import { activeTopicsBySlug, findJurisdiction } from '../queries/reference.queries';
import { membersOf, validateTeam, validateTraining } from '../schemas/network.schemas';
import { Actor, ProgramContext, openProgramCase } from './cohort-network-case.service';
import { directorOr403 } from './program-access';

/*
 * The State Policy Network's state teams: registered with their members, shown, and given
 * customized-training cases. The network's events are in network-events.service.ts.
 */

/** The team, or 404. */
export async function teamOr404(id: number): Promise<TeamRow> {
  const team = await findTeam(id);
  if (!team) throw new NotFoundError('We could not find that team.');
  return team;
}

async function checkTeam(payload: unknown, existingId?: number) {
  const input = validateTeam(payload);
  const { members, errors } = membersOf(input);
  const same = await findTeamByJurisdiction(input.jurisdiction);
  if (same && same.id !== existingId)
    errors.unshift({ field: 'jurisdiction', message: `${same.jurisdiction_name} already has a team: edit that one instead` });
  if (errors.length) throw new ValidationError(errors);
  return { input, members };
}

const teamTaken = () => new ValidationError([{ field: 'jurisdiction', message: 'That state already has a team: edit that one instead' }]);

/** Registers a state team and its members (one team a jurisdiction). */
export async function createTeam(payload: unknown, actor: { id: number }): Promise<number> {
  await directorOr403(actor);
  const { input, members } = await checkTeam(payload);
  try {
    return await transaction(async (trx) => {
      const at = nowIso();
      const id = await insertTeam(trx, { jurisdiction_code: input.jurisdiction, created_at: at, updated_at: at });
      await replaceMembers(trx, id, members, at);
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw teamTaken();
    throw err;
  }
}

/** Changes a team's jurisdiction and members (the member rows are replaced as entered). */
export async function updateTeam(id: number, payload: unknown, actor: { id: number }): Promise<void> {
  await directorOr403(actor);
  await teamOr404(id);
  const { input, members } = await checkTeam(payload, id);
  try {
    await transaction(async (trx) => {
      const at = nowIso();
      await updateTeamRow(trx, id, { jurisdiction_code: input.jurisdiction, updated_at: at });
      await replaceMembers(trx, id, members, at);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw teamTaken();
    throw err;
  }
}

/** Every team with its members. */
export async function teamsWithMembers(actor: { id: number }) {
  await directorOr403(actor);
  const list = await listTeams();
  const members = await membersOfTeams(list.map((t) => t.id));
  return list.map((t) => ({ ...t, memberList: members.filter((m) => m.network_team_id === t.id) }));
}

/** A team's page: its members, the events it attended and its customized-training cases. */
export async function teamDetail(id: number, actor: { id: number }) {
  await directorOr403(actor);
  const team = await teamOr404(id);
  const [members, events, cases] = await Promise.all([membersOfTeams([id]), eventsOfTeam(id), casesOfTeam(id)]);
  return { team, members, events, cases };
}

/**
 * Opens a customized-training case for one team: an ordinary network-track case for the team's
 * jurisdiction, new (it goes to triage and is assigned like any other), remembered as the team's.
 * A repeated submission key gives back the same case.
 */
export async function openTraining(teamId: number, payload: unknown, actor: Actor, ctx: ProgramContext): Promise<number> {
  await directorOr403(actor);
  const team = await teamOr404(teamId);
  const input = validateTraining(payload);
  const topics = await activeTopicsBySlug(input.topics);
  const errors: FieldError[] = [];
  if (topics.length !== input.topics.length) errors.push({ field: 'topics', message: 'Choose topics from the list' });
  if (input.preferred_start && input.deadline && input.deadline < input.preferred_start)
    errors.push({ field: 'deadline', message: 'Deadline must be on or after the preferred start date' });
  if (errors.length) throw new ValidationError(errors);
  const key = input.idempotency_key ? `network-training:${input.idempotency_key}` : null;
  const replay = async () => (key ? (await findCaseByIdempotencyKey(key))?.id : undefined);
  const earlier = await replay();
  if (earlier) return Number(earlier);
  const jurisdiction = await findJurisdiction(team.jurisdiction_code);
  try {
    return await transaction(async (trx) => {
      const { caseId } = await openProgramCase(
        trx,
        {
          track: 'network',
          jurisdiction: team.jurisdiction_code,
          title: input.title.trim(),
          needs: input.needs.trim(),
          organizationName: `${jurisdiction?.name ?? team.jurisdiction_code} State Policy Network team`,
          preferredFormat: input.preferred_format,
          lead: false,
          topicIds: topics.map((t) => t.id),
          topics: input.topics,
          preferredStart: input.preferred_start ?? null,
          deadline: input.deadline ?? null,
          idempotencyKey: key,
        },
        actor,
        ctx,
      );
      const at = nowIso();
      await linkTeamCase(trx, { network_team_id: teamId, case_id: caseId, created_at: at, updated_at: at });
      return caseId;
    });
  } catch (err) {
    const raced = isUniqueViolation(err) ? await replay() : undefined;
    if (raced) return Number(raced);
    throw err;
  }
}
