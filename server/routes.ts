import Router from '@koa/router';
import type { AppDeps } from './deps.js';
import type { AppState } from './platform/http/context.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { healthRoutes } from './features/health/health.routes.js';

/** Mounts every feature's router: one line per feature. */
export function buildRouter(deps: AppDeps): Router<AppState> {
  const root = new Router<AppState>();
  for (const feature of [healthRoutes, authRoutes]) {
    const r = feature(deps);
    root.use(r.routes(), r.allowedMethods());
  }
  return root;
}
