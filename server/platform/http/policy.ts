import type { Middleware } from 'koa';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { AppState, Role } from './context.js';

/** Who may call a route. Every route declares one; a test enumerates the router to enforce it. */
export type Policy = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: readonly Role[] };

export type PolicyMiddleware = Middleware<AppState> & { policy: Policy };

function make(policy: Policy): PolicyMiddleware {
  const mw: Middleware<AppState> = async (ctx, next) => {
    if (policy.kind !== 'public') {
      const user = ctx.state.user;
      if (!user) throw new UnauthorizedError();
      if (policy.kind === 'roles' && !user.roles.some((r) => policy.roles.includes(r))) {
        throw new ForbiddenError();
      }
    }
    await next();
  };
  return Object.assign(mw, { policy });
}

/** Route guards: `allow.public()`, `allow.authenticated()`, `allow.roles('admin', 'manager')`. */
export const allow = {
  public: (): PolicyMiddleware => make({ kind: 'public' }),
  authenticated: (): PolicyMiddleware => make({ kind: 'authenticated' }),
  roles: (...roles: Role[]): PolicyMiddleware => make({ kind: 'roles', roles }),
};

/** Reads the policy attached to a middleware, if any. */
export function policyOf(fn: unknown): Policy | undefined {
  return typeof fn === 'function' && 'policy' in fn ? (fn as PolicyMiddleware).policy : undefined;
}
