// State Policy Network factories for the program tests: state teams, events and their attendance.
import { createEvent, takeEventAttendance } from '../../server/services/network-events.service';
import { createTeam } from '../../server/services/network.service';
import { TestUser, makeUser } from './auth';
import { CTX, actor, unique } from './programs';

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
