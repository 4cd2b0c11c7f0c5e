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
import { textGuardMiddleware } from './platform/http/textGuard.js';
import type { AppState } from './platform/http/context.js';
import { buildRouter } from './routes.js';

/**
 * What the built client needs and nothing more: its own scripts (Vite emits no inline script and no
 * eval), inline styles (naive-ui and bpmn-js/form-js set styles at run time), data:/blob: images
 * (diagram exports, the favicon) and its own API.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Browser features Okno never uses are switched off for the page and anything it embeds. */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** Builds the Koa application: platform middleware, API routes and the built client. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.TRUST_PROXY });
  const { logger } = deps;

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Permissions-Policy', PERMISSIONS_POLICY);
    if (deps.config.isProduction) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // Answers of the API are personal: never kept by the browser or a proxy (files too).
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
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
  app.use(textGuardMiddleware());
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
