import type { Knex } from 'knex';
import { insertCaseEvent } from '../queries/case.queries';
import { notifyFor } from './notification.service';

type EventInput = Parameters<typeof insertCaseEvent>[1];

/**
 * Appends an event to a case's timeline and, in the same transaction, writes the messages it
 * causes to the outbox: both happen, or neither.
 */
export async function recordEvent(trx: Knex.Transaction, event: EventInput): Promise<number> {
  const id = await insertCaseEvent(trx, event);
  await notifyFor(trx, { id, ...event });
  return id;
}
