import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState, type Role } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import {
  assignSchema,
  bulkAssignSchema,
  completeSchema,
  draftSchema,
  returnTaskSchema,
  taskIdParams,
  taskListQuerySchema,
  taskViewInputSchema,
} from './tasks.schemas.js';

/** Staff who work tasks. */
const STAFF: Role[] = ['operator', 'specialist', 'manager', 'admin'];
const MANAGERS: Role[] = ['manager', 'admin'];

/** /api/tasks: the task list, one task, the actions on tasks and saved views. */
export function tasksRoutes({ features }: AppDeps): Router<AppState> {
  const tasks = features.tasks.service;
  const router = new Router<AppState>({ prefix: '/api/tasks' });

  router.get('/', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await tasks.list(ctx.state.user!, parse(taskListQuerySchema, ctx.query));
  });

  // --- saved views (before /:id) ---
  router.get('/views', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await tasks.views(ctx.state.user!);
  });
  router.post('/views', allow.roles(...STAFF), async (ctx) => {
    ctx.status = 201;
    ctx.body = await tasks.createView(ctx.state.user!, parse(taskViewInputSchema, ctx.request.body), actorOf(ctx));
  });
  router.put('/views/:id', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    ctx.body = await tasks.updateView(ctx.state.user!, id, parse(taskViewInputSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/views/:id', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    await tasks.deleteView(ctx.state.user!, id, actorOf(ctx));
    ctx.status = 204;
  });

  router.post('/assign', allow.roles(...MANAGERS), async (ctx) => {
    const body = parse(bulkAssignSchema, ctx.request.body);
    ctx.body = await tasks.bulkAssign(ctx.state.user!, body.taskIds, body.userId, actorOf(ctx));
  });

  // --- one task ---
  router.get('/:id', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await tasks.get(ctx.state.user!, parse(taskIdParams, ctx.params).id);
  });
  router.post('/:id/claim', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await tasks.claim(ctx.state.user!, parse(taskIdParams, ctx.params).id, actorOf(ctx));
  });
  router.post('/:id/unclaim', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await tasks.unclaim(ctx.state.user!, parse(taskIdParams, ctx.params).id, actorOf(ctx));
  });
  router.post('/:id/assign', allow.roles(...MANAGERS), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    const { userId } = parse(assignSchema, ctx.request.body);
    ctx.body = await tasks.assign(ctx.state.user!, id, userId, actorOf(ctx));
  });
  router.post('/:id/complete', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    ctx.body = await tasks.complete(ctx.state.user!, id, parse(completeSchema, ctx.request.body ?? {}), actorOf(ctx));
  });
  router.put('/:id/draft', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    const { variables } = parse(draftSchema, ctx.request.body);
    ctx.body = await tasks.saveDraft(ctx.state.user!, id, variables, actorOf(ctx));
  });
  router.post('/:id/return', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(taskIdParams, ctx.params);
    ctx.body = await tasks.returnForCorrections(
      ctx.state.user!,
      id,
      parse(returnTaskSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  return router;
}
