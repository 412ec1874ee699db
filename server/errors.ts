/** A failure with a status and a message that is safe to show to whoever made the request. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(public readonly errors: FieldError[]) {
    super(400, 'validation_failed', 'Some fields need attention.');
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'The request could not be understood.') {
    super(400, 'bad_request', message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Please sign in.') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have access to this page.') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'We could not find that page.') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message = 'Too many attempts. Please wait a minute and try again.') {
    super(429, 'too_many_requests', message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable. Please try again in a few minutes.') {
    super(503, 'unavailable', message);
  }
}

/**
 * A save over a newer version of a case or engagement (optimistic locking): the form is shown
 * again with what was typed, the version saved meanwhile, and who saved it when.
 */
export class EditConflictError extends ConflictError {
  constructor(
    /** The version now stored: a form that carries it saves over it. */
    public readonly currentVersion: number,
    public readonly savedBy: string,
    /** When, as people read it ("Dec 5, 2026, 2:03 AM ET"). */
    public readonly savedAt: string,
    /** The fields changed since the version the form was opened at. */
    public readonly changedFields: string[],
  ) {
    super(`Saved by ${savedBy} at ${savedAt}; review and save again.`);
  }
}

/** True when an error is a violation of a unique constraint, on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (e?.code === 'SQLITE_CONSTRAINT' && e?.errno === 19 && /UNIQUE/.test(String(err)))
  );
}

/** True when an error means the database cannot be reached or used at all. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  if (!e) return false;
  if (e.name === 'KnexTimeoutError') return true;
  const code = e.code ?? '';
  // 57014: a statement cancelled by statement_timeout; 55P03: a lock not granted in time;
  // 53100: disk full; 25006: a read-only server (a standby).
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'ETIMEDOUT',
      '57P01',
      '57P03',
      '57014',
      '55P03',
      '53100',
      '25006',
      '08006',
      '08001',
      '08003',
      'SQLITE_CANTOPEN',
      'SQLITE_IOERR',
      'SQLITE_CORRUPT',
      'SQLITE_NOTADB',
      'SQLITE_BUSY',
      'SQLITE_LOCKED',
      'SQLITE_FULL',
      'SQLITE_READONLY',
    ].some((c) => code === c || code.startsWith(`${c}_`)) ||
    /Unable to acquire a connection|aborted|Connection terminated|timeout exceeded when trying to connect/.test(e.message ?? '')
  );
}
