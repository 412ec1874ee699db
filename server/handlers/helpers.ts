import type { Request, Response } from 'express';
import type { Config } from '../config';
import { ValidationError } from '../errors';
import type { AccessMeta } from '../services/case.service';
import type { Role } from '../vocabulary';

/**
 * What every handler shares: the app's settings, the signed-in person (and where they asked from),
 * and one way to answer a form whose input was refused. Handlers import these from here, never
 * from one another.
 */

/** The app's settings (set once by `createApp`). */
export const cfg = (req: Request): Config => req.app.locals.config as Config;

/** The signed-in staff member, as services take them (routes put `requireStaff` in front). */
export const actorOf = (req: Request): { id: number; role: Role } => req.user as { id: number; role: Role };

/** Where a refusal was asked from, for the audit trail. */
export const metaOf = (req: Request): AccessMeta => ({ path: req.originalUrl, ip: req.ip });

/** A refused form's messages: by field (next to each input) and in order (the summary at the top). */
export function errorsOf(err: ValidationError | undefined): { errors: Record<string, string>; errorList: ValidationError['errors'] } {
  return {
    errors: Object.fromEntries((err?.errors ?? []).map((e) => [e.field, e.message])),
    errorList: err?.errors ?? [],
  };
}

/**
 * Runs a form's action. When its input is refused (a `ValidationError`, from the schema or from a
 * rule in a service), nothing was written, and the answer is the form again with status 422:
 * `again` renders it with the values as sent and the messages (`errorsOf`). Any other error goes
 * on to the error pages.
 */
export async function formOrAgain(
  res: Response,
  action: () => Promise<void>,
  again: (err: ValidationError) => Promise<void> | void,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    res.status(422);
    await again(err);
  }
}
