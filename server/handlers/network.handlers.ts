import type { Request, Response } from 'express';
import type { ValidationError } from '../errors';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { MEMBER_NUMBERS, eventAttendanceSchema, eventSchema, teamSchema, trainingSchema } from '../schemas/network.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import {
  createEvent,
  eventAttendanceRefusal,
  eventDetail,
  eventList,
  eventOr404,
  takeEventAttendance,
  updateEvent,
} from '../services/network-events.service';
import { createTeam, openTraining, teamDetail, teamOr404, teamsWithMembers, updateTeam } from '../services/network.service';
import { jurisdictionList, topicList } from '../services/reference.service';
import { todayIn } from '../services/time';
import { randomToken } from '../services/tokens';
import { NETWORK_EVENT_KINDS, NETWORK_ORGANIZATIONS, PREFERRED_FORMATS, STATUSES, choices } from '../vocabulary';
import { actorOf, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';
import { bodyOf, ctxOf, listOf, numberIds, programActorOf } from './program-helpers';

const kindLabel = (k: string) => NETWORK_EVENT_KINDS[k as keyof typeof NETWORK_EVENT_KINDS] ?? k;
const statusLabel = (s: string) => ENGAGEMENT_STATUSES[s as keyof typeof ENGAGEMENT_STATUSES] ?? s;
const organizationLabel = (o: string) => NETWORK_ORGANIZATIONS[o as keyof typeof NETWORK_ORGANIZATIONS] ?? o;

/** GET /network: the state teams and the network's events. */
export async function index(req: Request, res: Response): Promise<void> {
  const [teams, events] = await Promise.all([teamsWithMembers(actorOf(req)), eventList(actorOf(req))]);
  res.render('pages/network/index', {
    title: 'State Policy Network',
    teams,
    events: events.map((e) => ({ ...e, kindLabel: kindLabel(e.kind), statusLabel: statusLabel(e.status) })),
    flash: req.query.saved ? 'Saved.' : undefined,
  });
}

async function renderTeamForm(
  res: Response,
  status: number,
  view: { title: string; action: string; team?: unknown; values: Record<string, unknown>; error?: ValidationError },
): Promise<void> {
  const jurisdictions = await jurisdictionList();
  res.status(status).render('pages/network/team-form', {
    title: view.error ? `Error: ${view.title}` : view.title,
    heading: view.title,
    action: view.action,
    team: view.team,
    values: view.values,
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    organizations: choices(NETWORK_ORGANIZATIONS),
    memberNumbers: MEMBER_NUMBERS,
    ...errorsOf(view.error),
  });
}

export const teamNew = (_req: Request, res: Response) =>
  renderTeamForm(res, 200, { title: 'Register a state team', action: '/network/teams', values: {} });

export async function teamCreate(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const id = await createTeam(formToPayload(body, teamSchema), actorOf(req));
      res.redirect(303, `/network/teams/${id}?saved=1`);
    },
    (err) => renderTeamForm(res, 422, { title: 'Register a state team', action: '/network/teams', values: keptValues(body), error: err }),
  );
}

export async function teamEdit(req: Request, res: Response): Promise<void> {
  const { team, members } = await teamDetail(idParam(req), actorOf(req));
  const values: Record<string, unknown> = { jurisdiction: team.jurisdiction_code };
  members.forEach((m, i) => {
    values[`member_${i + 1}_name`] = m.name;
    values[`member_${i + 1}_role`] = m.role;
    values[`member_${i + 1}_organization`] = m.organization;
  });
  await renderTeamForm(res, 200, { title: `Edit the ${team.jurisdiction_name} team`, action: `/network/teams/${team.id}`, team, values });
}

export async function teamUpdate(req: Request, res: Response): Promise<void> {
  const team = await teamOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await updateTeam(team.id, formToPayload(body, teamSchema), actorOf(req));
      res.redirect(303, `/network/teams/${team.id}?saved=1`);
    },
    async (err) => {
      await renderTeamForm(res, 422, {
        title: `Edit the ${team.jurisdiction_name} team`,
        action: `/network/teams/${team.id}`,
        team,
        values: keptValues(body),
        error: err,
      });
    },
  );
}

/** GET /network/teams/:id: the team's members, the events it attended and its training cases. */
export async function teamShow(req: Request, res: Response): Promise<void> {
  const { team, members, events, cases } = await teamDetail(idParam(req), actorOf(req));
  res.render('pages/network/team', {
    title: `${team.jurisdiction_name} team`,
    team,
    members: members.map((m) => ({ ...m, organizationLabel: organizationLabel(m.organization) })),
    events: events.map((e) => ({ ...e, kindLabel: kindLabel(e.kind), statusLabel: statusLabel(e.status) })),
    cases: cases.map((c) => ({ ...c, statusLabel: STATUSES[c.status as keyof typeof STATUSES] ?? c.status })),
    flash: req.query.saved ? 'Saved.' : undefined,
  });
}

async function renderTraining(
  req: Request,
  res: Response,
  status: number,
  values: Record<string, unknown>,
  error?: ValidationError,
): Promise<void> {
  const team = await teamOr404(idParam(req));
  const topics = await topicList();
  res.status(status).render('pages/network/training', {
    title: `${error ? 'Error: ' : ''}Customized training for the ${team.jurisdiction_name} team`,
    team,
    values,
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    formats: choices(PREFERRED_FORMATS),
    ...errorsOf(error),
  });
}

export const trainingForm = (req: Request, res: Response) =>
  renderTraining(req, res, 200, { preferred_format: 'online_training', idempotency_key: randomToken() });

/** POST /network/teams/:id/training: opens the team's case and goes to it (303). */
export async function training(req: Request, res: Response): Promise<void> {
  const team = await teamOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const caseId = await openTraining(team.id, formToPayload(body, trainingSchema), programActorOf(req), ctxOf(req));
      res.redirect(303, `/cases/${caseId}`);
    },
    (err) => renderTraining(req, res, 422, keptValues(body), err),
  );
}

function renderEventForm(
  res: Response,
  status: number,
  view: { title: string; action: string; event?: unknown; values: Record<string, unknown>; error?: ValidationError },
): void {
  res.status(status).render('pages/network/event-form', {
    title: view.error ? `Error: ${view.title}` : view.title,
    heading: view.title,
    action: view.action,
    event: view.event,
    values: view.values,
    kinds: choices(NETWORK_EVENT_KINDS),
    ...errorsOf(view.error),
  });
}

export const eventNew = (req: Request, res: Response) =>
  renderEventForm(res, 200, {
    title: 'Record a network event',
    action: '/network/events',
    values: { date: todayIn(ctxOf(req).timeZone), duration_minutes: '90', idempotency_key: randomToken() },
  });

export async function eventCreate(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const id = await createEvent(formToPayload(body, eventSchema), programActorOf(req), ctxOf(req));
      res.redirect(303, `/network/events/${id}?saved=1`);
    },
    (err) =>
      renderEventForm(res, 422, { title: 'Record a network event', action: '/network/events', values: keptValues(body), error: err }),
  );
}

export async function eventEdit(req: Request, res: Response): Promise<void> {
  const event = await eventOr404(idParam(req));
  const values = {
    title: event.title,
    kind: event.kind,
    date: event.date,
    start_time: event.start_time ?? '',
    duration_minutes: String(event.duration_minutes),
  };
  renderEventForm(res, 200, { title: `Edit ${event.title}`, action: `/network/events/${event.id}`, event, values });
}

export async function eventUpdate(req: Request, res: Response): Promise<void> {
  const event = await eventOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      await updateEvent(event.id, formToPayload(body, eventSchema), programActorOf(req), ctxOf(req));
      res.redirect(303, `/network/events/${event.id}?saved=1`);
    },
    (err) => {
      renderEventForm(res, 422, {
        title: `Edit ${event.title}`,
        action: `/network/events/${event.id}`,
        event,
        values: keptValues(body),
        error: err,
      });
    },
  );
}

async function renderEvent(
  req: Request,
  res: Response,
  status = 200,
  extra: { values?: Record<string, unknown>; error?: ValidationError } = {},
): Promise<void> {
  const { event, attending, teams } = await eventDetail(idParam(req), actorOf(req));
  res.status(status).render('pages/network/event', {
    title: `${extra.error ? 'Error: ' : ''}${event.title}`,
    event: { ...event, kindLabel: kindLabel(event.kind), statusLabel: statusLabel(event.status) },
    refusal: eventAttendanceRefusal(event, teams.length, ctxOf(req)),
    teamOptions: teams.map((t) => ({
      value: String(t.id),
      label: `${t.jurisdiction_name} (${t.members} member${t.members === 1 ? '' : 's'})`,
    })),
    attendingTeams: teams.filter((t) => attending.includes(t.id)),
    values: extra.values ?? { team_ids: attending.map(String), summary: event.summary ?? '' },
    flash: req.query.saved ? 'Saved.' : undefined,
    ...errorsOf(extra.error),
  });
}

/** GET /network/events/:id: the event and its attendance form. */
export const eventShow = (req: Request, res: Response) => renderEvent(req, res);

/** POST /network/events/:id/attendance: the teams that attended; the event becomes delivered. */
export async function eventAttendance(req: Request, res: Response): Promise<void> {
  const event = await eventOr404(idParam(req));
  const body = bodyOf(req);
  await formOrAgain(
    res,
    async () => {
      const payload = formToPayload(body, eventAttendanceSchema);
      numberIds(payload, 'team_ids');
      await takeEventAttendance(event.id, payload, programActorOf(req), ctxOf(req));
      res.redirect(303, `/network/events/${event.id}?saved=1`);
    },
    async (err) => {
      const kept = keptValues(body);
      await renderEvent(req, res, 422, { values: { ...kept, team_ids: listOf(kept.team_ids) }, error: err });
    },
  );
}
