import { EditConflictError } from '../errors';
import { caseEvents } from '../queries/case.queries';
import type { Tx } from '../queries/database.queries';
import { humanTime } from './human-time';
import { programTimeZone } from './time';

type TimelineEvent = {
  kind: string;
  before_json: unknown;
  after_json: unknown;
  actor_name: string | null;
  actor_kind: string;
  created_at: string | Date;
};

const parsed = (v: unknown): Record<string, unknown> => {
  if (!v) return {};
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return v as Record<string, unknown>;
};

/**
 * The conflict error for a save at `expected` over `current`: who saved last and when, and what
 * changed since, read from the timeline (inside the caller's transaction) among the events that
 * `concerns` the row; each change of the row wrote one.
 */
export async function editConflict(
  trx: Tx,
  caseId: number,
  current: number,
  expected: number,
  concerns: (e: { kind: string; before: Record<string, unknown>; after: Record<string, unknown> }) => boolean,
): Promise<EditConflictError> {
  const events = ((await caseEvents(caseId, trx)) as TimelineEvent[])
    .map((e) => ({ ...e, before: parsed(e.before_json), after: parsed(e.after_json) }))
    .filter(concerns);
  const since = events.slice(-Math.max(1, Math.min(events.length, current - expected)));
  const last = since[since.length - 1];
  const fields = [...new Set(since.flatMap((e) => Object.keys(e.after)).filter((k) => k !== 'engagement_id'))];
  const who = last ? (last.actor_name ?? (last.actor_kind === 'requester' ? 'the requester' : 'the system')) : 'someone else';
  const when = last ? humanTime(programTimeZone()).dateTime(last.created_at) : 'a moment ago';
  return new EditConflictError(
    current,
    who,
    when,
    fields.map((f) => f.replace(/_/g, ' ')),
  );
}

/** The ETag of a version of a case or engagement (for an API read, and If-Match on its write). */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** The version an If-Match header names (`"v7"`, `W/"v7"`), or undefined when it names none. */
export function versionOfIfMatch(header: string | undefined): number | undefined {
  const m = /^\s*(?:W\/)?"v(\d{1,9})"\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A version posted by a form (the hidden `version` field), or undefined when absent or not a number. */
export function versionOfForm(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
