import type { ParameterizedContext } from 'koa';
import type Router from '@koa/router';

export const ROLES = ['admin', 'analyst', 'operator', 'specialist', 'manager', 'citizen'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in user as routes and services see it. */
export interface SessionUser {
  id: number;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  locale: string;
  employeeId: number | null;
  /** Org unit the user's employee record belongs to (a manager's scope starts here). */
  unitId: number | null;
}

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
