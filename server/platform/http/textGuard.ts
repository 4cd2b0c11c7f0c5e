import type { Middleware } from 'koa';
import type { FieldIssue } from '../../contract/common.js';
import { ValidationError } from '../errors.js';
import type { AppState } from './context.js';

/**
 * Refuses text no field of Okno can hold: a NUL character (PostgreSQL text cannot store it) or a
 * lone UTF-16 surrogate (not a character; invalid in UTF-8 and in the database). Checked once for
 * every request's JSON body and query string, before any route, so each endpoint answers 400 naming
 * the field instead of failing in the database with 500.
 */
export function textGuardMiddleware(): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/api/')) {
      const issues: FieldIssue[] = [];
      let decodedPath: string | null;
      try {
        decodedPath = decodeURIComponent(ctx.path);
      } catch {
        decodedPath = null;
      }
      if (decodedPath === null || hasForbiddenText(decodedPath)) issues.push({ path: '(url)', message: MESSAGE });
      collect(ctx.query, '', issues, 0);
      collect((ctx.request as { body?: unknown }).body, '', issues, 0);
      if (issues.length)
        throw new ValidationError('Text contains characters that cannot be stored', issues.slice(0, 20));
    }
    await next();
  };
}

/** True when a string holds a NUL or a lone surrogate. */
export function hasForbiddenText(s: string): boolean {
  return FORBIDDEN.test(s);
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const FORBIDDEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MESSAGE = 'Contains a NUL character or an unpaired surrogate';

function collect(value: unknown, path: string, issues: FieldIssue[], depth: number): void {
  if (issues.length >= 20 || depth > 64) return;
  if (typeof value === 'string') {
    if (hasForbiddenText(value)) issues.push({ path: path || '(body)', message: MESSAGE });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collect(v, path ? `${path}.${i}` : String(i), issues, depth + 1));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (hasForbiddenText(k)) issues.push({ path: p, message: MESSAGE });
      collect(v, p, issues, depth + 1);
    }
  }
}
