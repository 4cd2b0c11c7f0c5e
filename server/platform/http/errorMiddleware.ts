import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { AppError, TooManyRequestsError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AppState } from './context.js';
import { toFieldIssues } from './validate.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

function isPgError(err: unknown): err is PgError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as PgError).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((err as PgError).code!)
  );
}

/** The one error middleware: maps errors to `{ error: { code, message, details } }` without leaking internals. */
export function errorMiddleware(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `No route ${ctx.method} ${ctx.path}` } };
      }
    } catch (err: unknown) {
      let status = 500;
      let body: { code: string; message: string; details?: unknown };
      if (err instanceof AppError) {
        status = err.status;
        body = { code: err.code, message: err.message, details: err.details };
        if (err instanceof TooManyRequestsError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        else if (typeof (err as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number')
          ctx.set('Retry-After', String((err as unknown as { retryAfterSeconds: number }).retryAfterSeconds));
      } else if (err instanceof ZodError) {
        status = 400;
        body = { code: 'validation_failed', message: 'Request is invalid', details: { fields: toFieldIssues(err) } };
      } else if (isPgError(err) && err.code === '23505') {
        status = 409;
        body = {
          code: 'conflict',
          message: 'A record with the same unique value already exists',
          details: { constraint: err.constraint },
        };
      } else if (isPgError(err) && err.code === '23503') {
        status = 409;
        body = {
          code: 'conflict',
          message: 'The record is referenced by or refers to another record',
          details: { constraint: err.constraint },
        };
      } else if (
        typeof err === 'object' &&
        err !== null &&
        'status' in err &&
        typeof (err as { status: unknown }).status === 'number' &&
        (err as { status: number }).status < 500 &&
        (err as { expose?: boolean }).expose
      ) {
        // Errors thrown by Koa/body parser (e.g. malformed JSON, payload too large).
        status = (err as { status: number }).status;
        body = {
          code: status === 400 ? 'bad_request' : `http_${status}`,
          message: String((err as { message?: unknown }).message),
        };
      } else {
        body = { code: 'internal', message: 'Internal server error' };
      }
      if (status >= 500) logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = { error: body };
    }
  };
}
