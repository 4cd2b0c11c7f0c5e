/** A field-level problem reported to the client, e.g. { path: 'email', message: 'Invalid e-mail' }. */
/** A field-level validation message: the API contract's (server/contract/common.ts). */
export type { FieldIssue } from '../contract/common.js';
import type { FieldIssue } from '../contract/common.js';

/** An error meant for the client: it carries an HTTP status, a stable code and optional details. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 400 with field-level details. */
export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super(400, 'validation_failed', message, { fields: issues });
  }
}

/** 401: no valid session or wrong credentials. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super(401, code, message);
  }
}

/** 403: the user is known but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission for this action', code = 'forbidden') {
    super(403, code, message);
  }
}

/** 404: the thing does not exist or is not visible to this user. */
export class NotFoundError extends AppError {
  constructor(what = 'Resource') {
    super(404, 'not_found', `${what} not found`);
  }
}

/** 409: the change conflicts with existing data (duplicate code, still referenced, ...). */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

/** 429: too many attempts. */
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    public readonly retryAfterSeconds: number,
  ) {
    super(429, 'too_many_requests', message, { retryAfterSeconds });
  }
}
