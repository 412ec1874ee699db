import { ForbiddenError, NotFoundError } from '../errors';
import { OutboxRow, findOutbox, listOutbox, retryNow } from '../queries/outbox.queries';
import type { Role } from '../vocabulary';

/** The outgoing mail as directors read it and send it again (Admin → Mail); nobody else reaches it. */

type Actor = { id: number; role: Role };

/** A message's states, in the order of its life. */
const STATUSES = ['waiting', 'sending', 'sent', 'failed'] as const;

function mustDirect(actor: Actor): void {
  if (actor.role !== 'director') throw new ForbiddenError();
}

/** The latest 100 messages (of one status, when it is one of STATUSES) and how many there are of each status. */
export async function outboxPage(
  actor: Actor,
  status: unknown,
): Promise<{ rows: OutboxRow[]; status?: string; counts: { status: string; n: number; current: boolean }[] }> {
  mustDirect(actor);
  const chosen = STATUSES.find((s) => s === status);
  const { rows, counts } = await listOutbox(chosen, 100, 0);
  return { rows, status: chosen, counts: STATUSES.map((s) => ({ status: s, n: counts[s] ?? 0, current: s === chosen })) };
}

/** One message, whole. */
export async function outboxMessage(actor: Actor, id: number): Promise<OutboxRow> {
  mustDirect(actor);
  const message = await findOutbox(id);
  if (!message) throw new NotFoundError();
  return message;
}

/** Puts a waiting or failed message first in line, to be sent now. */
export async function sendAgainNow(actor: Actor, id: number, now = Date.now()): Promise<void> {
  mustDirect(actor);
  if (!(await retryNow(id, now))) throw new NotFoundError('No waiting or failed message with that number.');
}
