import Router from '@koa/router';
import type { AppDeps } from '../../deps.js';
import { sendDownload } from '../../platform/http/download.js';
import { actorOf, type AppContext, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { parse } from '../../platform/http/validate.js';
import { pickLocale } from './services.messages.js';
import {
  answersSchema,
  bundleSchema,
  catalogueQuerySchema,
  cloneSchema,
  createSchema,
  draftSchema,
  importQuerySchema,
  listQuerySchema,
  packageSchema,
  publishSchema,
  tryItSchema,
  validateSchema,
  versionParam,
  versionQuery,
} from './services.schemas.js';
import type { FormDoc } from './services.validation.js';

/** The language of messages for this request: Accept-Language, else the user's locale, else Russian. */
const localeOf = (ctx: AppContext) => pickLocale(ctx.get('accept-language'), ctx.state.user?.locale);

/** /api/services (constructor) and /api/catalogue (portal and front office). */
export function servicesRoutes({ features }: AppDeps): Router<AppState> {
  const { services } = features;
  const router = new Router<AppState>();
  const staff = () => allow.roles('admin', 'analyst', 'operator', 'specialist', 'manager');
  const analyst = () => allow.roles('analyst', 'admin');

  router.get('/api/services', staff(), async (ctx) => {
    ctx.body = await services.list(parse(listQuerySchema, ctx.query, 'Query'));
  });

  router.post('/api/services', analyst(), async (ctx) => {
    const input = parse(createSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await services.create(input, actorOf(ctx), localeOf(ctx));
  });

  router.post('/api/services/import', analyst(), async (ctx) => {
    const { replace } = parse(importQuerySchema, ctx.query, 'Query');
    const bundle = parse(bundleSchema, ctx.request.body, 'Service file');
    ctx.status = 201;
    ctx.body = await services.importBundle(bundle, replace === 'true', actorOf(ctx), localeOf(ctx));
  });

  router.post('/api/services/packages', analyst(), async (ctx) => {
    const input = parse(packageSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await services.composePackage(input, actorOf(ctx), localeOf(ctx));
  });

  router.get('/api/services/:code', staff(), async (ctx) => {
    ctx.body = await services.get(ctx.params.code);
  });

  router.put('/api/services/:code/draft', analyst(), async (ctx) => {
    const input = parse(draftSchema, ctx.request.body);
    ctx.body = await services.updateDraft(ctx.params.code, input, actorOf(ctx), localeOf(ctx));
  });

  router.post('/api/services/:code/validate', analyst(), async (ctx) => {
    const body = parse(validateSchema, ctx.request.body ?? {});
    ctx.body = await services.validateDraft(
      ctx.params.code,
      { xml: body.xml, forms: body.forms as FormDoc[] | undefined },
      localeOf(ctx),
    );
  });

  router.post('/api/services/:code/try', analyst(), async (ctx) => {
    const { answers, xml } = parse(tryItSchema, ctx.request.body ?? {});
    ctx.body = await services.tryDraft(ctx.params.code, answers, xml, localeOf(ctx));
  });

  router.post('/api/services/:code/publish', analyst(), async (ctx) => {
    const { comment } = parse(publishSchema, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = await services.publish(ctx.params.code, comment, actorOf(ctx), localeOf(ctx));
  });

  router.get('/api/services/:code/versions', staff(), async (ctx) => {
    ctx.body = { items: await services.versions(ctx.params.code) };
  });

  router.get('/api/services/:code/versions/:version', staff(), async (ctx) => {
    ctx.body = await services.version(ctx.params.code, parse(versionParam, ctx.params.version, 'Version'));
  });

  router.post('/api/services/:code/clone', analyst(), async (ctx) => {
    const target = parse(cloneSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await services.clone(ctx.params.code, target, actorOf(ctx), localeOf(ctx));
  });

  router.get('/api/services/:code/export', analyst(), async (ctx) => {
    const { version } = parse(versionQuery, ctx.query, 'Query');
    const bundle = await services.exportBundle(ctx.params.code, version);
    sendDownload(ctx, {
      filename: `${bundle.code}${version ? `-v${version}` : ''}.okno.json`,
      type: 'application/json',
      body: bundle,
    });
  });

  router.get('/api/catalogue/services', allow.public(), async (ctx) => {
    ctx.body = { items: await services.catalogue(parse(catalogueQuerySchema, ctx.query, 'Query')) };
  });

  router.get('/api/catalogue/services/:code', allow.public(), async (ctx) => {
    ctx.body = await services.catalogueCard(ctx.params.code);
  });

  router.post('/api/catalogue/services/:code/checklist', allow.public(), async (ctx) => {
    const { answers } = parse(answersSchema, ctx.request.body ?? {});
    ctx.body = await services.checklist(ctx.params.code, answers, localeOf(ctx));
  });

  return router;
}
