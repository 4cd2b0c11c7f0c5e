import Router from '@koa/router';
import type { AppDeps } from './deps.js';
import type { AppState } from './platform/http/context.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { healthRoutes } from './features/health/health.routes.js';
import { servicesRoutes } from './features/services/services.routes.js';
import { scorecardRoutes } from './features/scorecard/scorecard.routes.js';
import { orgRoutes } from './features/org/org.routes.js';
import { usersRoutes } from './features/users/users.routes.js';
import { auditRoutes } from './features/audit/audit.routes.js';
import { casesRoutes } from './features/cases/cases.routes.js';
import { tasksRoutes } from './features/tasks/tasks.routes.js';
import { instructionsRoutes } from './features/instructions/instructions.routes.js';
import { interagencyRoutes } from './features/interagency/interagency.routes.js';
import { calendarRoutes } from './features/calendar/calendar.routes.js';

/** Mounts every feature's router: one line per feature. */
export function buildRouter(deps: AppDeps): Router<AppState> {
  const root = new Router<AppState>();
  for (const feature of [
    healthRoutes,
    authRoutes,
    orgRoutes,
    usersRoutes,
    auditRoutes,
    scorecardRoutes,
    servicesRoutes,
    casesRoutes,
    tasksRoutes,
    interagencyRoutes,
    instructionsRoutes,
    calendarRoutes,
  ]) {
    const r = feature(deps);
    root.use(r.routes(), r.allowedMethods());
  }
  return root;
}
