import Router from '@koa/router';
import multer from '@koa/multer';
import { sendDownload } from '../../platform/http/download.js';
import type { AppDeps } from '../../deps.js';
import { AppError, ValidationError, type FieldIssue } from '../../platform/errors.js';
import { actorOf, type AppContext, type AppState, type Role } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { queryOf } from '../../platform/http/paging.js';
import { parse, toFieldIssues } from '../../platform/http/validate.js';
import { matrixToXlsx, readFactsXlsx } from './matrix.export.js';
import type { MatrixAction } from './matrix.states.js';
import {
  addRowSchema,
  cascadeSchema,
  createMatrixSchema,
  evaluationQuerySchema,
  evaluationSchema,
  exportQuerySchema,
  factsSchema,
  generateSchema,
  idParams,
  importQuerySchema,
  indicatorCreateSchema,
  indicatorFactsSchema,
  indicatorPatchSchema,
  listQuerySchema,
  matrixPatchSchema,
  methodologySchema,
  mineQuerySchema,
  planItemCreateSchema,
  planItemPatchSchema,
  planQuerySchema,
  returnSchema,
  roadmapIndicatorPatchSchema,
  roadmapIndicatorSchema,
  roadmapValuesSchema,
  rowParams,
  rowPatchSchema,
  ruleCreateSchema,
  seriesQuerySchema,
  syncSchema,
  teamQuerySchema,
  termSchema,
  transitionSchema,
} from './scorecard.schemas.js';

const STAFF: Role[] = ['admin', 'analyst', 'operator', 'specialist', 'manager'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 10 * 1024 * 1024, files: 1 } });

/** The uploaded file of a multipart request, or 400. */
function uploaded(ctx: AppContext): Buffer {
  const file = (ctx.request as { file?: { buffer: Buffer } }).file;
  if (!file?.buffer?.length)
    throw new ValidationError('Upload a file', [
      { path: 'file', message: 'Attach the file as multipart field "file"' },
    ]);
  return file.buffer;
}

/** Sends a file download. */
function download(ctx: AppContext, file: { filename: string; buffer: Buffer }, type: string): void {
  sendDownload(ctx, { filename: file.filename, type, body: file.buffer });
}

/** /api/scorecard: employee matrices and their workflow, indicators and rules, annual plans, facts, methodology, roadmap. */
export function scorecardRoutes({ features }: AppDeps): Router<AppState> {
  const { matrices, plans, methodologies, roadmap } = features.scorecard;
  const router = new Router<AppState>({ prefix: '/api/scorecard' });

  // --- matrices -------------------------------------------------------------------------------
  router.get('/matrices/mine', allow.authenticated(), async (ctx) => {
    ctx.body = await matrices.mine(ctx.state.user!, parse(mineQuerySchema, ctx.query));
  });
  router.get('/matrices/team', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = await matrices.team(ctx.state.user!, parse(teamQuerySchema, ctx.query));
  });
  router.post('/matrices', allow.roles(...STAFF), async (ctx) => {
    ctx.status = 201;
    ctx.body = await matrices.create(ctx.state.user!, parse(createMatrixSchema, ctx.request.body), actorOf(ctx));
  });
  router.post('/matrices/generate', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = await matrices.generate(ctx.state.user!, parse(generateSchema, ctx.request.body), actorOf(ctx));
  });
  router.get('/matrices/:id', allow.authenticated(), async (ctx) => {
    ctx.body = await matrices.get(ctx.state.user!, parse(idParams, ctx.params).id);
  });
  router.patch('/matrices/:id', allow.authenticated(), async (ctx) => {
    ctx.body = await matrices.patch(
      ctx.state.user!,
      parse(idParams, ctx.params).id,
      parse(matrixPatchSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.get('/matrices/:id/export.xlsx', allow.authenticated(), async (ctx) => {
    download(ctx, await matrixToXlsx(await matrices.get(ctx.state.user!, parse(idParams, ctx.params).id)), XLSX_TYPE);
  });
  router.post('/matrices/:id/rows', allow.authenticated(), async (ctx) => {
    ctx.status = 201;
    ctx.body = await matrices.addRow(
      ctx.state.user!,
      parse(idParams, ctx.params).id,
      parse(addRowSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.patch('/matrices/:id/rows/:rowId', allow.authenticated(), async (ctx) => {
    const p = parse(rowParams, ctx.params);
    ctx.body = await matrices.patchRow(
      ctx.state.user!,
      p.id,
      p.rowId,
      parse(rowPatchSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.delete('/matrices/:id/rows/:rowId', allow.authenticated(), async (ctx) => {
    const p = parse(rowParams, ctx.params);
    ctx.body = await matrices.deleteRow(ctx.state.user!, p.id, p.rowId, actorOf(ctx));
  });
  router.post('/matrices/:id/rows/:rowId/cascade', allow.roles('manager', 'admin'), async (ctx) => {
    const p = parse(rowParams, ctx.params);
    ctx.body = await matrices.cascadeRow(
      ctx.state.user!,
      p.id,
      p.rowId,
      parse(cascadeSchema, ctx.request.body).employeeIds,
      actorOf(ctx),
    );
  });
  router.put('/matrices/:id/facts', allow.authenticated(), async (ctx) => {
    ctx.body = await matrices.enterFacts(
      ctx.state.user!,
      parse(idParams, ctx.params).id,
      parse(factsSchema, ctx.request.body).facts,
      actorOf(ctx),
    );
  });
  for (const action of ['confirm', 'agree', 'approve', 'lock', 'return'] as const satisfies readonly MatrixAction[]) {
    router.post(`/matrices/:id/${action}`, allow.authenticated(), async (ctx) => {
      const body = parse(action === 'return' ? returnSchema : transitionSchema, ctx.request.body ?? {});
      ctx.body = await matrices.transition(
        ctx.state.user!,
        parse(idParams, ctx.params).id,
        action,
        body.comment,
        actorOf(ctx),
      );
    });
  }

  // --- indicator facts ------------------------------------------------------------------------
  router.post('/facts', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = await matrices.writeIndicatorFacts(
      ctx.state.user!,
      parse(indicatorFactsSchema, ctx.request.body).facts,
      'manual',
      actorOf(ctx),
    );
  });
  router.post('/facts/import', allow.roles('manager', 'admin'), upload.single('file'), async (ctx) => {
    const { dryRun } = parse(importQuerySchema, queryOf(ctx), 'Query');
    const raw = await readFactsXlsx(uploaded(ctx));
    if (!raw.length) throw new AppError(400, 'bad_file', 'The file has no fact rows');
    const issues: FieldIssue[] = [];
    const facts = raw.flatMap((r) => {
      const res = indicatorFactsSchema.shape.facts.element.safeParse(r.fact);
      if (res.success) return [res.data];
      issues.push(...toFieldIssues(res.error).map((i) => ({ ...i, path: `rows.${r.row}.${i.path}` })));
      return [];
    });
    if (issues.length) throw new ValidationError('The file has invalid rows', issues);
    // Field paths of later checks name the file's row numbers too.
    const rowOf = raw.map((r) => r.row);
    try {
      ctx.body = await matrices.writeIndicatorFacts(ctx.state.user!, facts, 'import', actorOf(ctx), 'rows', dryRun);
    } catch (err) {
      if (err instanceof ValidationError) {
        const details = err.details as { fields: FieldIssue[] };
        throw new ValidationError(
          err.message,
          details.fields.map((f) => ({
            ...f,
            path: f.path.replace(/^rows\.(\d+)/, (_, i: string) => `rows.${rowOf[Number(i)]}`),
          })),
        );
      }
      throw err;
    }
  });

  router.post('/facts/sync', allow.roles('admin'), async (ctx) => {
    const input = parse(syncSchema, ctx.request.body);
    ctx.body = await matrices.syncFacts(input.month, input.source, actorOf(ctx));
  });

  // --- indicators, rules, providers -----------------------------------------------------------
  router.get('/indicators', allow.roles(...STAFF), async (ctx) => {
    ctx.body = { items: await plans.indicators() };
  });
  router.post('/indicators', allow.roles('admin'), async (ctx) => {
    ctx.status = 201;
    ctx.body = await plans.createIndicator(parse(indicatorCreateSchema, ctx.request.body), actorOf(ctx));
  });
  router.patch('/indicators/:id', allow.roles('admin'), async (ctx) => {
    ctx.body = await plans.patchIndicator(
      parse(idParams, ctx.params).id,
      parse(indicatorPatchSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.post('/indicators/:id/terms', allow.roles('admin'), async (ctx) => {
    ctx.body = await plans.addTerm(parse(idParams, ctx.params).id, parse(termSchema, ctx.request.body), actorOf(ctx));
  });
  router.get('/rules', allow.roles(...STAFF), async (ctx) => {
    ctx.body = { items: await plans.rules() };
  });
  router.post('/rules', allow.roles('admin'), async (ctx) => {
    ctx.status = 201;
    ctx.body = await plans.createRule(parse(ruleCreateSchema, ctx.request.body), actorOf(ctx));
  });
  router.get('/providers', allow.roles('admin'), (ctx) => {
    ctx.body = { items: plans.providerIds() };
  });

  // --- annual plans ---------------------------------------------------------------------------
  router.get('/plans', allow.roles(...STAFF), async (ctx) => {
    const q = parse(planQuerySchema, ctx.query);
    ctx.body = { items: await plans.plan(ctx.state.user!, q.employeeId, q.year) };
  });
  router.post('/plans', allow.roles(...STAFF), async (ctx) => {
    ctx.status = 201;
    ctx.body = await plans.createItem(ctx.state.user!, parse(planItemCreateSchema, ctx.request.body), actorOf(ctx));
  });
  router.patch('/plans/:id', allow.roles(...STAFF), async (ctx) => {
    ctx.body = await plans.patchItem(
      ctx.state.user!,
      parse(idParams, ctx.params).id,
      parse(planItemPatchSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.delete('/plans/:id', allow.roles(...STAFF), async (ctx) => {
    await plans.deleteItem(ctx.state.user!, parse(idParams, ctx.params).id, actorOf(ctx));
    ctx.status = 204;
  });
  router.post('/plans/:id/cascade', allow.roles('manager', 'admin'), async (ctx) => {
    ctx.body = {
      items: await plans.cascadeItem(
        ctx.state.user!,
        parse(idParams, ctx.params).id,
        parse(cascadeSchema, ctx.request.body).employeeIds,
        actorOf(ctx),
      ),
    };
  });

  // --- organisation methodology ---------------------------------------------------------------
  router.get('/methodologies', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await methodologies.list(parse(listQuerySchema, ctx.query));
  });
  router.post('/methodologies', allow.roles('admin'), async (ctx) => {
    ctx.status = 201;
    ctx.body = await methodologies.create(parse(methodologySchema, ctx.request.body, 'Methodology'), actorOf(ctx));
  });
  router.post('/methodologies/import', allow.roles('admin'), upload.single('file'), async (ctx) => {
    ctx.status = 201;
    ctx.body = await methodologies.create(await methodologies.parseFile(uploaded(ctx)), actorOf(ctx));
  });
  router.get('/methodologies/:id', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await methodologies.get(parse(idParams, ctx.params).id);
  });
  router.put('/methodologies/:id', allow.roles('admin'), async (ctx) => {
    ctx.body = await methodologies.replace(
      parse(idParams, ctx.params).id,
      parse(methodologySchema, ctx.request.body, 'Methodology'),
      actorOf(ctx),
    );
  });
  router.delete('/methodologies/:id', allow.roles('admin'), async (ctx) => {
    await methodologies.remove(parse(idParams, ctx.params).id, actorOf(ctx));
    ctx.status = 204;
  });
  router.get('/methodologies/:id/export', allow.roles('admin', 'manager'), async (ctx) => {
    const id = parse(idParams, ctx.params).id;
    if (parse(exportQuerySchema, ctx.query).format === 'xlsx') {
      download(ctx, await methodologies.toXlsx(id), XLSX_TYPE);
      return;
    }
    const { id: _id, evaluations: _e, ...doc } = await methodologies.get(id);
    download(
      ctx,
      { filename: `methodology-${doc.code}.json`, buffer: Buffer.from(JSON.stringify(doc, null, 2)) },
      'application/json',
    );
  });
  router.post('/methodologies/:id/evaluations', allow.roles('admin'), async (ctx) => {
    ctx.body = await methodologies.evaluate(
      parse(idParams, ctx.params).id,
      parse(evaluationSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.get('/methodologies/:id/evaluations', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await methodologies.evaluations(parse(idParams, ctx.params).id, parse(evaluationQuerySchema, ctx.query));
  });

  // --- roadmap --------------------------------------------------------------------------------
  router.get('/roadmap/indicators', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await roadmap.list(parse(listQuerySchema, ctx.query));
  });
  router.get('/roadmap/series', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await roadmap.series(parse(seriesQuerySchema, ctx.query));
  });
  router.post('/roadmap/indicators', allow.roles('admin'), async (ctx) => {
    ctx.status = 201;
    ctx.body = await roadmap.create(parse(roadmapIndicatorSchema, ctx.request.body), actorOf(ctx));
  });
  router.get('/roadmap/indicators/:id', allow.roles('admin', 'manager'), async (ctx) => {
    ctx.body = await roadmap.get(parse(idParams, ctx.params).id);
  });
  router.patch('/roadmap/indicators/:id', allow.roles('admin'), async (ctx) => {
    ctx.body = await roadmap.patch(
      parse(idParams, ctx.params).id,
      parse(roadmapIndicatorPatchSchema, ctx.request.body),
      actorOf(ctx),
    );
  });
  router.delete('/roadmap/indicators/:id', allow.roles('admin'), async (ctx) => {
    await roadmap.remove(parse(idParams, ctx.params).id, actorOf(ctx));
    ctx.status = 204;
  });
  router.put('/roadmap/indicators/:id/values', allow.roles('admin'), async (ctx) => {
    ctx.body = await roadmap.setValues(
      parse(idParams, ctx.params).id,
      parse(roadmapValuesSchema, ctx.request.body).values,
      actorOf(ctx),
    );
  });

  return router;
}
