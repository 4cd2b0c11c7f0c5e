import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import { normaliseLogin } from '../../../../server/features/auth/login.js';

describe('sign-in hardening', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none', LOGIN_MAX_ATTEMPTS: '5' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the spellings of one Russian mobile number, when normalised, then they are all one E.164 login', () => {
    const spellings = ['8 (900) 555-12-34', '+7 900 555-12-34', '89005551234', '+79005551234', '7 (900) 555 12 34'];
    expect(new Set(spellings.map((s) => normaliseLogin(s, 'RU').value))).toEqual(new Set(['+79005551234']));
    expect(normaliseLogin(' Admin@Okno.Local ', 'RU')).toEqual({ kind: 'email', value: 'admin@okno.local' });
  });

  it('given a citizen registered by phone in a national format, when signing in with another spelling, then it works', async () => {
    const reg = await okno.anonymous().post('/api/auth/register', {
      fullName: 'Сидорова Анна',
      phone: '8 (900) 555-00-01',
      password: 'long-enough-1',
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user.phone).toBe('+79005550001');
    const res = await okno
      .anonymous()
      .post('/api/auth/login', { login: '+7 900 555 00 01', password: 'long-enough-1' });
    expect(res.status).toBe(200);
  });

  it('given wrong passwords typed in five spellings of one phone, when the right one follows in a sixth, then 429: one lock-out per number', async () => {
    await okno
      .anonymous()
      .post('/api/auth/register', { fullName: 'Кузнецов Пётр', phone: '+79005550002', password: 'long-enough-2' });
    const client = okno.anonymous();
    for (const login of ['8 (900) 555-00-02', '+7 900 555-00-02', '89005550002', '+79005550002', '7 900 555 00 02']) {
      expect((await client.post('/api/auth/login', { login, password: 'wrong-wrong' })).status).toBe(401);
    }
    const blocked = await client.post('/api/auth/login', { login: '8-900-555-00-02', password: 'long-enough-2' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('given a signed-in user, when the new password equals the current one, then 400 on newPassword; wrong current passwords are limited', async () => {
    await okno
      .anonymous()
      .post('/api/auth/register', { fullName: 'Орлова Мария', email: 'orlova@example.org', password: 'long-enough-3' });
    const user = await okno.signIn('orlova@example.org', 'long-enough-3');
    const same = await user.post('/api/auth/password', {
      currentPassword: 'long-enough-3',
      newPassword: 'long-enough-3',
    });
    expect(same.status).toBe(400);
    expect(same.body.error.details.fields[0].path).toBe('newPassword');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await user.post('/api/auth/password', { currentPassword: `guess-${i}-x`, newPassword: 'another-pass-1' }))
          .status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('given 120 parallel sign-ins for unknown logins, when they arrive at once, then hashing is bounded: the overflow gets 503 with Retry-After and nothing fails', async () => {
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        okno.anonymous().post('/api/auth/login', { login: `nobody${i}@example.org`, password: 'whatever-1' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401 || s === 503 || s === 429)).toBe(true);
    expect(results.find((r) => r.status === 503)?.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 60_000);

  it('given many sign-ins for logins that match no account from one address, when the per-address budget is spent, then 429 for that address', async () => {
    const client = okno.anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      statuses.push(
        (await client.post('/api/auth/login', { login: `spray${i}@example.org`, password: 'whatever-1' })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  }, 60_000);
});
