import { insertCaseEvent } from '../queries/case.queries';
import type { Tx } from '../queries/database.queries';
import { NotifiedCase, notifyFor } from './notification.service';

type EventInput = Parameters<typeof insertCaseEvent>[1];

/**
 * Appends an event to a case's timeline and, in the same transaction, writes the messages it
 * causes to the outbox: both happen, or neither. `kase` is the case when the caller has it at hand.
 */
export async function recordEvent(trx: Tx, event: EventInput, kase?: NotifiedCase): Promise<number> {
  const id = await insertCaseEvent(trx, event);
  await notifyFor(trx, { id, ...event }, kase);
  return id;
}
