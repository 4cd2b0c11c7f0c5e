import type { Context } from 'koa';

/**
 * Sends a file download. The name goes through Koa's `ctx.attachment` (the `content-disposition`
 * package: RFC 6266 with an RFC 5987 `filename*` for non-ASCII names and an ASCII fallback), so
 * Cyrillic, quotes or semicolons in a name never break the header.
 */
export function sendDownload(ctx: Context, file: { filename: string; type: string; body: unknown }): void {
  ctx.attachment(file.filename);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = file.type;
  ctx.body = file.body;
}
