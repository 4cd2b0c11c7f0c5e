import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import { idParams, queryOf } from '../../platform/http/paging.js';
import { resetPasswordSchema, userCreateSchema, userListSchema, userPatchSchema } from './users.schemas.js';

/** /api/users: staff account administration (admin only). */
export function usersRoutes({ features }: AppDeps): Router<AppState> {
  const { users } = features;
  const router = new Router<AppState>({ prefix: '/api/users' });

  router.get('/', allow.roles('admin'), async (ctx) => {
    ctx.body = await users.list(parse(userListSchema, queryOf(ctx), 'Query'));
  });
  router.get('/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await users.get(id);
  });
  router.post('/', allow.roles('admin'), async (ctx) => {
    const input = parse(userCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await users.create(input, actorOf(ctx));
  });
  router.patch('/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await users.update(id, parse(userPatchSchema, ctx.request.body), actorOf(ctx));
  });
  router.post('/:id/password', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    const { password } = parse(resetPasswordSchema, ctx.request.body);
    await users.resetPassword(id, password, actorOf(ctx), ctx.state.sessionIdHash);
    ctx.status = 204;
  });

  return router;
}
