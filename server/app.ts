import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import serve from 'koa-static';
import type { AppDeps } from './deps.js';
import { AppError } from './platform/errors.js';
import { errorMiddleware } from './platform/http/errorMiddleware.js';
import { sessionMiddleware } from './platform/http/session.js';
import type { AppState } from './platform/http/context.js';
import { buildRouter } from './routes.js';

/** Builds the Koa application: platform middleware, API routes and the built client. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.isProduction });
  const { logger } = deps;

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    try {
      await next();
    } finally {
      if (ctx.path.startsWith('/api/')) {
        logger.info(
          {
            requestId: ctx.state.requestId,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            userId: ctx.state.user?.id,
          },
          'request',
        );
      }
    }
  });
  app.use(errorMiddleware(logger));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: '5mb',
      encoding: 'utf-8',
      onError: (err) => {
        const status = (err as { status?: number }).status;
        if (status === 413) throw new AppError(413, 'payload_too_large', 'Request body is too large');
        if (status === 415)
          throw new AppError(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json');
        throw new AppError(400, 'malformed_body', 'Request body is not valid JSON');
      },
    }),
  );
  app.use(sessionMiddleware((hash) => deps.auth.loadSession(hash)));

  const router = buildRouter(deps);
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));

  const clientDir = path.resolve(deps.config.CLIENT_DIST);
  const indexFile = path.join(clientDir, 'index.html');
  if (fs.existsSync(indexFile)) {
    app.use(serve(clientDir, { index: 'index.html', maxage: 0, gzip: true }));
    // History-mode fallback: any other GET outside /api gets the SPA shell.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.method === 'GET' && ctx.status === 404 && !ctx.path.startsWith('/api/') && ctx.body === undefined) {
        ctx.type = 'html';
        ctx.body = fs.createReadStream(indexFile);
      }
    });
  }
  return app;
}
