import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { queryOf } from '../../platform/http/paging.js';
import { parse } from '../../platform/http/validate.js';
import { createInstructionSchema, instructionListSchema } from './instructions.schemas.js';

/** /api/instructions: managers give employees of their subtree ad-hoc tasks; everyone sees theirs. */
export function instructionsRoutes({ features }: AppDeps): Router<AppState> {
  const service = features.instructions;
  const router = new Router<AppState>({ prefix: '/api/instructions' });
  router.post('/', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = await service.create(parse(createInstructionSchema, ctx.request.body), ctx.state.user!, actorOf(ctx));
    ctx.status = 201;
  });
  router.get('/', allow.roles('operator', 'specialist', 'manager', 'admin', 'analyst'), async (ctx) => {
    ctx.body = await service.list(parse(instructionListSchema, queryOf(ctx), 'Query'), ctx.state.user!);
  });
  router.get('/employees', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = { items: await service.instructable(ctx.state.user!) };
  });
  return router;
}
