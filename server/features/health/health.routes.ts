import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import type { AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';

/** GET /api/health: liveness of the server, its database and its engine. */
export function healthRoutes({ db, engine, config }: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  router.get('/health', allow.public(), async (ctx) => {
    const [dbOk, engineStatus] = await Promise.all([db.ping(), engine.status(1500)]);
    ctx.status = dbOk ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: dbOk ? (engineStatus === 'down' ? 'degraded' : 'ok') : 'down',
      db: dbOk ? 'up' : 'down',
      dbKind: db.kind,
      engine: engineStatus,
      engineMode: engine.mode,
      version: config.version,
    };
  });
  return router;
}
