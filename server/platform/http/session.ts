import crypto from 'node:crypto';
import type { Middleware } from 'koa';
import { ForbiddenError } from '../errors.js';
import type { AppState, SessionUser } from './context.js';

export const SESSION_COOKIE = 'okno_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface LoadedSession {
  user: SessionUser;
  csrfToken: string;
}

/** Hashes a session token for storage: the raw token only ever lives in the cookie. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Creates a random URL-safe token. */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie to a user and enforces CSRF protection on cookie-authenticated writes
 * (the token is returned by /api/auth/me and must come back in the X-CSRF-Token header).
 * Cross-origin writes without a session are refused by Origin check.
 */
export function sessionMiddleware(load: (idHash: string) => Promise<LoadedSession | undefined>): Middleware<AppState> {
  return async (ctx, next) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) {
      const idHash = hashToken(token);
      const session = await load(idHash);
      if (session) {
        ctx.state.user = session.user;
        ctx.state.sessionIdHash = idHash;
        ctx.state.csrfToken = session.csrfToken;
      }
    }
    if (!SAFE_METHODS.has(ctx.method) && ctx.path.startsWith('/api/')) {
      const origin = ctx.get('origin');
      if (origin && hostOf(origin) !== ctx.host) {
        throw new ForbiddenError('Cross-origin request refused');
      }
      if (ctx.state.csrfToken) {
        const sent = Buffer.from(ctx.get(CSRF_HEADER));
        const expected = Buffer.from(ctx.state.csrfToken);
        // Compared as bytes: a header with non-ASCII characters has another byte length and is refused, never thrown on.
        if (!sent.length || sent.length !== expected.length || !crypto.timingSafeEqual(sent, expected)) {
          throw new ForbiddenError('Missing or invalid CSRF token', 'csrf_failed');
        }
      }
    }
    await next();
  };
}

/** The host of an Origin header value, or null when it is not a URL (a malformed Origin is foreign). */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
