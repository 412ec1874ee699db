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
