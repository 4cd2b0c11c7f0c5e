import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSentTo } from '../../../helpers/messages.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('auth routes', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno();
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given a demo operator, when they sign in with the right password, then /me returns them with their roles', async () => {
    const client = await okno.signIn('operator@okno.local');
    const me = await client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'operator@okno.local', roles: ['operator'] });
    expect(me.body.user.unitId).toEqual(expect.any(Number));
  });

  it('given a wrong password, when signing in, then 401 with a message and no session cookie', async () => {
    const res = await okno
      .anonymous()
      .post('/api/auth/login', { login: 'operator@okno.local', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_credentials', message: expect.stringMatching(/password/i) });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("given the product clock months away from the browser's, when signing in, then the cookie still lives the session's 12 hours from the browser's own time", async () => {
    // The product's clock stands at TEST_NOW; a browser judges Expires by its own clock, so the cookie's life is relative.
    const res = await okno
      .anonymous()
      .post('/api/auth/login', { login: 'operator@okno.local', password: 'okno-demo-2026' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('okno_session='))!;
    const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]);
    const sentAt = Date.parse(res.headers.get('date')!);
    expect(Math.abs(expires - sentAt - 12 * 3_600_000)).toBeLessThan(5_000);
  });

  it('given no session, when calling /me, then 401', async () => {
    const res = await okno.anonymous().get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('given a session cookie, then it is http-only and SameSite=Lax', async () => {
    const res = await okno
      .anonymous()
      .post('/api/auth/login', { login: 'admin@okno.local', password: 'okno-demo-2026' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('okno_session='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
  });

  it('given an empty body, when signing in, then 400 with field details', async () => {
    const res = await okno.anonymous().post('/api/auth/login', {});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['login', 'password']);
  });

  it('given malformed JSON, when signing in, then 400 and no stack trace', async () => {
    const res = await okno
      .anonymous()
      .request('POST', '/api/auth/login', '{"login": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('given repeated wrong passwords, when the limit is passed, then 429 even with the right password', async () => {
    const client = okno.anonymous();
    for (let i = 0; i < 5; i++) {
      expect(
        (await client.post('/api/auth/login', { login: 'specialist2@okno.local', password: 'nope-nope' })).status,
      ).toBe(401);
    }
    const blocked = await client.post('/api/auth/login', {
      login: 'specialist2@okno.local',
      password: 'okno-demo-2026',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('given a citizen registering, when they confirm the code sent to their e-mail, then they are signed in as a citizen and the password is stored as argon2', async () => {
    const client = okno.anonymous();
    const res = await client.post('/api/auth/register', {
      fullName: 'Сидорова Мария',
      email: 'Maria@Example.org',
      password: 'long-enough-1',
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      status: 'confirmationSent',
      channel: 'email',
      sentTo: 'ma***@example.org',
      expiresInMinutes: 15,
    });
    // Not confirmed yet: the right password is answered with "confirm first", and no session.
    const early = await okno
      .anonymous()
      .post('/api/auth/login', { login: 'maria@example.org', password: 'long-enough-1' });
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('not_confirmed');
    const code = await codeSentTo(okno.deps.db.knex, 'maria@example.org');
    const wrong = await client.post('/api/auth/register/confirm', {
      login: 'maria@example.org',
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.fields[0].path).toBe('code');
    const confirmed = await client.post('/api/auth/register/confirm', { login: 'Maria@Example.org', code });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.user).toMatchObject({ email: 'maria@example.org', roles: ['citizen'] });
    expect((await client.get('/api/auth/me')).body.user.email).toBe('maria@example.org');
    const row = (await okno.deps.db.knex('users').where({ email: 'maria@example.org' }).first('passwordHash'))!;
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    // The code is spent.
    expect(
      (await okno.anonymous().post('/api/auth/register/confirm', { login: 'maria@example.org', code })).status,
    ).toBe(400);
  });

  it('given an e-mail already registered, when registering again, then the same answer as for a new one, no second user, and the owner is told', async () => {
    const knex = okno.deps.db.knex;
    const before = await knex('users').count({ n: '*' }).first();
    const res = await okno
      .anonymous()
      .post('/api/auth/register', { fullName: 'Дубль', email: 'citizen@okno.local', password: 'long-enough-1' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      status: 'confirmationSent',
      channel: 'email',
      sentTo: 'ci***@okno.local',
      expiresInMinutes: 15,
    });
    expect(await knex('users').count({ n: '*' }).first()).toEqual(before);
    const told = await knex('outbound_messages')
      .where({ destination: 'citizen@okno.local' })
      .orderBy('id', 'desc')
      .first();
    expect(told?.purpose).toBe('registration-existing');
    // The existing account keeps its password.
    expect(
      (await okno.anonymous().post('/api/auth/login', { login: 'citizen@okno.local', password: 'long-enough-1' }))
        .status,
    ).toBe(401);
  });

  it('given a registration by phone, when the phone is malformed, then 400 on phone', async () => {
    const res = await okno
      .anonymous()
      .post('/api/auth/register', { fullName: 'Тест Тестов', phone: '12ab', password: 'long-enough-1' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain('phone');
  });

  it('given a signed-in user, when writing without the CSRF token, then 403', async () => {
    const client = await okno.signIn('citizen@okno.local');
    const res = await client.request('PATCH', '/api/auth/me', { locale: 'en' }, { 'x-csrf-token': 'forged' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    const ok = await client.patch('/api/auth/me', { locale: 'en' });
    expect(ok.status).toBe(200);
    expect(ok.body.user.locale).toBe('en');
  });

  it('given a signed-in user, when they sign out, then the session no longer works', async () => {
    const client = await okno.signIn('analyst@okno.local');
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('given a write, then the audit log records who did it', async () => {
    await okno.signIn('manager@okno.local');
    const entry = await okno.deps.db
      .knex('audit_log as a')
      .join('users as u', 'u.id', 'a.actorUserId')
      .where({ 'u.email': 'manager@okno.local', 'a.action': 'login' })
      .first('a.*');
    expect(entry).toBeTruthy();
  });
});
