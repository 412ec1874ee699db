import { ForbiddenError } from '../errors';
import type { Role } from '../vocabulary';

/** A signed-in staff member acting through a service (the web, the API or a command). */
export interface StaffActor {
  id: number;
  role: Role;
}

/**
 * Directors keep the accounts, topics, tokens and imports. The services check it themselves, for
 * every caller; the routes check it too, before any work.
 */
export function mustBeDirector(actor: StaffActor): void {
  if (actor.role !== 'director') throw new ForbiddenError();
}
