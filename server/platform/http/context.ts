import type { ParameterizedContext } from 'koa';
import type Router from '@koa/router';

/** The roles are part of the API contract (server/contract/common.ts). */
export { ROLES, type Role } from '../../contract/common.js';

/** The signed-in user as routes and services see it: the API contract's (server/contract/auth.ts), sent to the client in the session answer. */
export type { SessionUser } from '../../contract/auth.js';
import type { SessionUser } from '../../contract/auth.js';

/** Per-request state filled by the platform middleware. */
export interface AppState {
  requestId: string;
  user?: SessionUser;
  sessionIdHash?: string;
  csrfToken?: string;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouter = Router<AppState, Record<string, unknown>>;

/** Who performs a write: recorded in the audit log. */
export interface Actor {
  userId: number | null;
  requestId: string;
  ip: string;
}

/** Builds the audit actor from a request context. */
export function actorOf(ctx: AppContext): Actor {
  return { userId: ctx.state.user?.id ?? null, requestId: ctx.state.requestId, ip: ctx.ip };
}
