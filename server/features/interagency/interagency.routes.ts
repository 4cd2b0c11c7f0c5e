import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { queryOf } from '../../platform/http/paging.js';
import { parse } from '../../platform/http/validate.js';
import { idParams, interagencyListSchema, interagencyReplySchema } from './interagency.schemas.js';

/** /api/interagency: the inter-agency journal (operators read their office's cases) and the replies. */
export function interagencyRoutes({ features }: AppDeps): Router<AppState> {
  const service = features.interagency;
  const router = new Router<AppState>({ prefix: '/api/interagency' });
  router.get('/requests', allow.roles('operator', 'specialist', 'manager', 'admin'), async (ctx) => {
    ctx.body = await service.list(parse(interagencyListSchema, queryOf(ctx), 'Query'), ctx.state.user!);
  });
  router.get('/requests/:id', allow.roles('operator', 'specialist', 'manager', 'admin'), async (ctx) => {
    ctx.body = await service.get(parse(idParams, ctx.params).id, ctx.state.user!);
  });
  router.post('/requests/:id/reply', allow.roles('specialist', 'manager', 'admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await service.reply(id, parse(interagencyReplySchema, ctx.request.body), ctx.state.user!, actorOf(ctx));
  });
  router.get('/agencies', allow.roles('operator', 'specialist', 'manager', 'admin'), (ctx) => {
    ctx.body = { items: service.agencies() };
  });
  return router;
}
