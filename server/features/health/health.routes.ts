import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import type { AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import type { Health } from '../../contract/health.js';

/** GET /api/health: liveness of the server, its database and its engine. */
export function healthRoutes({ db, engine, config, engineHealth }: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  router.get('/health', allow.public(), async (ctx) => {
    const [dbOk, engineStatus] = await Promise.all([db.ping(), engine.status(1500)]);
    // The embedded engine's consistency check: instances waiting for a message that is already buffered.
    const inconsistent = engineHealth?.().messageInconsistencies;
    ctx.status = dbOk ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: dbOk ? (engineStatus === 'down' || (inconsistent?.open ?? 0) > 0 ? 'degraded' : 'ok') : 'down',
      db: dbOk ? 'up' : 'down',
      dbKind: db.kind,
      engine: engineStatus,
      engineMode: engine.mode,
      ...(inconsistent ? { engineMessageInconsistencies: inconsistent.open } : {}),
      version: config.version,
    } satisfies Health;
  });
  return router;
}
