import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import type { AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import { queryOf } from '../../platform/http/paging.js';
import { auditListSchema } from './audit.schemas.js';

/** /api/audit: the audit log, for administrators. */
export function auditRoutes({ features }: AppDeps): Router<AppState> {
  const service = features.audit;
  const router = new Router<AppState>({ prefix: '/api/audit' });
  router.get('/', allow.roles('admin'), async (ctx) => {
    ctx.body = await service.list(parse(auditListSchema, queryOf(ctx), 'Query'));
  });
  return router;
}
