import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { actorOf, type AppState, type Role } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { queryOf } from '../../platform/http/paging.js';
import { parse } from '../../platform/http/validate.js';
import {
  caseListQuerySchema,
  commentSchema,
  createCaseSchema,
  extendSchema,
  idParams,
  resubmitSchema,
  suspendSchema,
} from '../../contract/cases.js';
import { receiptPdf } from './cases.receipt.js';

/** Staff who see cases (each within their scope: office, groups, org subtree, all). */
const VIEWERS: Role[] = ['operator', 'specialist', 'manager', 'admin'];

/** /api/cases: intake, the case view and list, comments, the statutory clock, resubmission, the receipt. */
export function casesRoutes({ features }: AppDeps): Router<AppState> {
  const cases = features.cases;
  const router = new Router<AppState>({ prefix: '/api/cases' });

  router.post('/', allow.roles('operator', 'admin'), async (ctx) => {
    const body = parse(createCaseSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await cases.register(ctx.state.user!, body, actorOf(ctx));
  });
  router.get('/', allow.roles(...VIEWERS), async (ctx) => {
    ctx.body = await cases.list(ctx.state.user!, parse(caseListQuerySchema, queryOf(ctx)));
  });
  router.get('/:id', allow.roles(...VIEWERS), async (ctx) => {
    ctx.body = await cases.get(ctx.state.user!, parse(idParams, ctx.params).id);
  });
  router.get('/:id/diagram', allow.roles(...VIEWERS), async (ctx) => {
    ctx.body = await cases.diagram(ctx.state.user!, parse(idParams, ctx.params).id);
  });
  router.post('/:id/comments', allow.roles(...VIEWERS), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    const { text } = parse(commentSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await cases.comment(ctx.state.user!, id, text, actorOf(ctx));
  });
  router.post('/:id/suspend', allow.roles(...VIEWERS), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await cases.suspend(ctx.state.user!, id, parse(suspendSchema, ctx.request.body).reason, actorOf(ctx));
  });
  router.post('/:id/resume', allow.roles(...VIEWERS), async (ctx) => {
    ctx.body = await cases.resume(ctx.state.user!, parse(idParams, ctx.params).id, actorOf(ctx));
  });
  router.post('/:id/extend', allow.roles('manager', 'admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await cases.extend(ctx.state.user!, id, parse(extendSchema, ctx.request.body), actorOf(ctx));
  });
  router.post('/:id/resubmit', allow.roles('operator', 'manager', 'admin'), async (ctx) => {
    const { id } = parse(idParams, ctx.params);
    ctx.body = await cases.resubmit(ctx.state.user!, id, parse(resubmitSchema, ctx.request.body), actorOf(ctx));
  });
  router.get('/:id/receipt', allow.roles(...VIEWERS), async (ctx) => {
    ctx.body = await cases.receipt(ctx.state.user!, parse(idParams, ctx.params).id);
  });
  router.get('/:id/receipt.pdf', allow.roles(...VIEWERS), async (ctx) => {
    const receipt = await cases.receipt(ctx.state.user!, parse(idParams, ctx.params).id);
    const pdf = await receiptPdf(receipt);
    // Koa's attachment() writes an ASCII fallback and the RFC 5987 filename* for the Cyrillic name.
    ctx.attachment(`Расписка ${receipt.number}.pdf`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = pdf;
  });
  return router;
}
