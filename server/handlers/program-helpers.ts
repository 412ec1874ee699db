import type { Request } from 'express';
import { CRITERIA } from '../schemas/application.schemas';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import type { Actor, ProgramContext } from '../services/cohort-network-case.service';
import { MEETING_MODES } from '../vocabulary';
import { actorOf, cfg } from './helpers';

/** What the program pages (cohorts, applications, the network) share. */

/** The signed-in director or consultant, as the program services take them. */
export const programActorOf = (req: Request): Actor => actorOf(req) as Actor;

/** The secret and time zone the program services need. */
export const ctxOf = (req: Request): ProgramContext => ({ secret: cfg(req).secret, timeZone: cfg(req).timeZone });

/** The posted form (empty when nothing was posted). */
export const bodyOf = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;

/** A payload's list of ids as a form sends them (text), as numbers where they are digits (the schema checks the rest). */
export function numberIds(payload: Record<string, unknown>, field: string): void {
  const value = payload[field];
  if (Array.isArray(value)) payload[field] = value.map((v) => (/^\d+$/.test(String(v)) ? Number(v) : v));
}

/** A form's kept list (a checkbox group) as a list even when one box was sent. */
export const listOf = (value: unknown): unknown[] => ([] as unknown[]).concat(value ?? []);

/** A meeting with the words the pages show. */
export function meetingView<T extends { mode: string; status: string }>(m: T) {
  return {
    ...m,
    modeLabel: MEETING_MODES[m.mode as keyof typeof MEETING_MODES] ?? m.mode,
    statusLabel: ENGAGEMENT_STATUSES[m.status as keyof typeof ENGAGEMENT_STATUSES] ?? m.status,
  };
}

/** A review with its three criteria in display order. */
export function reviewView(r: {
  equity_score: number;
  equity_comment: string;
  openness_score: number;
  openness_comment: string;
  leadership_score: number;
  leadership_comment: string;
  reviewer_name?: string;
}) {
  const of = r as unknown as Record<string, unknown>;
  return {
    reviewer: r.reviewer_name,
    criteria: CRITERIA.map((c) => ({ label: c.label, score: of[`${c.key}_score`], comment: of[`${c.key}_comment`] })),
  };
}
