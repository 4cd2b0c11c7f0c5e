import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import { calendarDayParams, calendarOverridePutSchema, calendarYearParams } from './calendar.schemas.js';

/** Every staff role reads the calendar (task lists show working days); only admins override it. */
const STAFF = ['admin', 'analyst', 'operator', 'specialist', 'manager'] as const;

/** /api/calendar: the production calendar of a year and administrators' overrides. */
export function calendarRoutes({ features }: AppDeps): Router<AppState> {
  const { calendar } = features;
  const router = new Router<AppState>({ prefix: '/api/calendar' });

  router.get('/:year', allow.roles(...STAFF), async (ctx) => {
    const { year } = parse(calendarYearParams, ctx.params, 'Path');
    ctx.body = await calendar.year(year);
  });
  router.put('/overrides/:day', allow.roles('admin'), async (ctx) => {
    const { day } = parse(calendarDayParams, ctx.params, 'Path');
    ctx.body = await calendar.putOverride(day, parse(calendarOverridePutSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/overrides/:day', allow.roles('admin'), async (ctx) => {
    const { day } = parse(calendarDayParams, ctx.params, 'Path');
    await calendar.deleteOverride(day, actorOf(ctx));
    ctx.status = 204;
  });

  return router;
}
