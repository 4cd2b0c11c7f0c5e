import Router from '@koa/router';
import { actorOf, type AppState } from '../../platform/http/context.js';
import { allow } from '../../platform/http/policy.js';
import { SESSION_COOKIE } from '../../platform/http/session.js';
import { parse } from '../../platform/http/validate.js';
import type { AppDeps } from '../../deps.js';
import {
  changePasswordSchema,
  loginSchema,
  registerSchema,
  updateMeSchema,
  type ProfileAnswer,
  type ServerClock,
  type SessionAnswer,
} from './auth.schemas.js';

/** /api/auth: sign in and out, register, who am I. */
export function authRoutes({ auth, config, clock }: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  /** The server's time and the users' time zone: the client's "today" and "this month" follow the product's clock. */
  const clockNow = (): ServerClock => ({ now: clock.now().toISOString(), timeZone: config.TIME_ZONE });
  /**
   * The cookie lives as long as the session, said as a relative max-age: the browser judges it by its
   * own clock, which need not be the product's (the server decides the session's end by its clock).
   */
  const cookieOptions = (session: { expiresAt: Date } | 'ended') => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.COOKIE_SECURE,
    path: '/',
    ...(session === 'ended'
      ? { expires: new Date(0) }
      : { maxAge: Math.max(0, session.expiresAt.getTime() - clock.ms()) }),
    overwrite: true,
  });

  router.post('/login', allow.public(), async (ctx) => {
    const input = parse(loginSchema, ctx.request.body);
    const result = await auth.login(input, {
      ip: ctx.ip,
      userAgent: ctx.get('user-agent'),
      requestId: ctx.state.requestId,
    });
    ctx.cookies.set(SESSION_COOKIE, result.token, cookieOptions(result));
    ctx.body = { user: result.user, csrfToken: result.csrfToken, clock: clockNow() } satisfies SessionAnswer;
  });

  router.post('/register', allow.public(), async (ctx) => {
    const input = parse(registerSchema, ctx.request.body);
    const user = await auth.register(input, { ip: ctx.ip, requestId: ctx.state.requestId });
    const result = await auth.login(
      { login: user.email ?? user.phone!, password: input.password },
      { ip: ctx.ip, userAgent: ctx.get('user-agent'), requestId: ctx.state.requestId },
    );
    ctx.cookies.set(SESSION_COOKIE, result.token, cookieOptions(result));
    ctx.status = 201;
    ctx.body = { user, csrfToken: result.csrfToken, clock: clockNow() } satisfies SessionAnswer;
  });

  router.post('/logout', allow.authenticated(), async (ctx) => {
    await auth.logout(ctx.state.sessionIdHash!, actorOf(ctx));
    ctx.cookies.set(SESSION_COOKIE, '', cookieOptions('ended'));
    ctx.status = 204;
  });

  router.get('/me', allow.authenticated(), (ctx) => {
    ctx.body = { user: ctx.state.user!, csrfToken: ctx.state.csrfToken!, clock: clockNow() } satisfies SessionAnswer;
  });

  router.patch('/me', allow.authenticated(), async (ctx) => {
    const patch = parse(updateMeSchema, ctx.request.body);
    ctx.body = { user: await auth.updateMe(ctx.state.user!.id, patch, actorOf(ctx)) } satisfies ProfileAnswer;
  });

  router.post('/password', allow.authenticated(), async (ctx) => {
    const input = parse(changePasswordSchema, ctx.request.body);
    await auth.changePassword(
      ctx.state.user!.id,
      input.currentPassword,
      input.newPassword,
      actorOf(ctx),
      ctx.state.sessionIdHash,
    );
    ctx.status = 204;
  });

  return router;
}
