import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { sendDownload } from '../../platform/http/download.js';
import { actorOf, type AppState, type Role } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import { IMPORT_COLUMNS } from './import.columns.js';
import { importTemplate } from './import.template.js';
import { receiveFile } from './import.upload.js';
import { idParams, queryOf } from '../../platform/http/paging.js';
import {
  employeeCreateSchema,
  employeeListSchema,
  employeePatchSchema,
  groupCreateSchema,
  groupListSchema,
  groupMembersSchema,
  groupPatchSchema,
  importParamsSchema,
  importQuerySchema,
  unitCreateSchema,
  unitPatchSchema,
  windowCreateSchema,
  windowListSchema,
  windowPatchSchema,
} from './org.schemas.js';

/** Every staff role: they may read the org structure, groups and windows. */
const STAFF: Role[] = ['admin', 'analyst', 'manager', 'operator', 'specialist'];

/** /api/org: units, employees, staff groups, windows and their CSV/XLSX import. */
export function orgRoutes({ features }: AppDeps): Router<AppState> {
  const { units, employees, groups, windows, importer } = features.org;
  const router = new Router<AppState>({ prefix: '/api/org' });

  // ---- units ----
  router.get('/units', allow.roles(...STAFF), async (ctx) => {
    ctx.body = { items: await units.list() };
  });
  router.post('/units', allow.roles('admin'), async (ctx) => {
    const input = parse(unitCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await units.create(input, actorOf(ctx));
  });
  router.patch('/units/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await units.update(id, parse(unitPatchSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/units/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    await units.remove(id, actorOf(ctx));
    ctx.status = 204;
  });

  // ---- employees ----
  router.get('/employees', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await employees.list(ctx.state.user!, parse(employeeListSchema, queryOf(ctx), 'Query'));
  });
  router.get('/employees/:id', allow.roles('admin', 'manager'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await employees.get(ctx.state.user!, id);
  });
  router.post('/employees', allow.roles('admin'), async (ctx) => {
    const input = parse(employeeCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await employees.create(input, actorOf(ctx));
  });
  router.patch('/employees/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await employees.update(id, parse(employeePatchSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/employees/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await employees.remove(id, actorOf(ctx));
  });

  // ---- staff groups ----
  router.get('/groups', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await groups.list(parse(groupListSchema, queryOf(ctx), 'Query'));
  });
  router.get('/groups/:id', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await groups.get(id);
  });
  router.post('/groups', allow.roles('admin'), async (ctx) => {
    const input = parse(groupCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await groups.create(input, actorOf(ctx));
  });
  router.patch('/groups/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await groups.update(id, parse(groupPatchSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/groups/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    await groups.remove(id, actorOf(ctx));
    ctx.status = 204;
  });
  router.get('/groups/:id/members', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = { items: await groups.members(id) };
  });
  router.put('/groups/:id/members', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    const { employeeIds } = parse(groupMembersSchema, ctx.request.body);
    ctx.body = { items: await groups.setMembers(id, employeeIds, actorOf(ctx)) };
  });

  // ---- windows ----
  router.get('/windows', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await windows.list(parse(windowListSchema, queryOf(ctx), 'Query'));
  });
  router.get('/windows/:id', allow.roles(...STAFF), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await windows.get(id);
  });
  router.post('/windows', allow.roles('admin'), async (ctx) => {
    const input = parse(windowCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await windows.create(input, actorOf(ctx));
  });
  router.patch('/windows/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await windows.update(id, parse(windowPatchSchema, ctx.request.body), actorOf(ctx));
  });
  router.delete('/windows/:id', allow.roles('admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    await windows.remove(id, actorOf(ctx));
    ctx.status = 204;
  });

  // ---- import ----
  router.get('/import/:entity/columns', allow.roles('admin'), (ctx) => {
    const { entity } = parse(importParamsSchema, ctx.params);
    ctx.body = { items: IMPORT_COLUMNS[entity] };
  });
  router.get('/import/:entity/template', allow.roles('admin'), async (ctx) => {
    const { entity } = parse(importParamsSchema, ctx.params);
    sendDownload(ctx, {
      filename: `okno-import-${entity}.xlsx`,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: await importTemplate(entity),
    });
  });
  router.post('/import/:entity', allow.roles('admin'), async (ctx) => {
    const { entity } = parse(importParamsSchema, ctx.params);
    const { dryRun } = parse(importQuerySchema, queryOf(ctx), 'Query');
    const file = await receiveFile(ctx);
    ctx.body = await importer.run(entity, file, { dryRun: dryRun ?? false }, actorOf(ctx));
  });

  return router;
}
